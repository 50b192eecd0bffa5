#include "cmdline.hpp"

#include "json.hpp"
#include "owned_files.hpp"
#include "persist/persist.hpp"
#include "system/initramfs.hpp"
#include "system/module_state.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <ostream>
#include <utility>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Print the kernel command-line fragment that sets up netconsole at boot";

constexpr const char* k_examples = R"(Examples:
  # spelled for the running kernel: netconsole= built in or loaded by initramfs-tools,
  # netconsole.netconsole= module otherwise
  netconsole-setup cmdline --to 192.0.2.5 --loglevel 8
  # for the kernel that will boot, read from /lib/modules/<release>/modules.builtin
  netconsole-setup cmdline --to 192.0.2.5 --kernel 6.12.48+deb13-amd64
  # Debian/Ubuntu: the /etc/default/grub.d drop-in, then update-grub
  netconsole-setup cmdline --to 192.0.2.5 --write-grub && update-grub

The fragment is for the kernel's command line, where ';' needs no quotes; in a
shell, quote it. It is at most 255 characters, the kernel's limit.)";

} // namespace

int parse_level_option(std::string_view text, std::string_view option) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 8) {
        throw InputError(fmt::format("{}: '{}' is not a console log level", option, text),
                         "a level from 1 to 8; messages below it reach the console (8: all)");
    }
    return value;
}

Command setup_cmdline(CLI::App& app) {
    auto options = std::make_shared<CmdlineOptions>();
    auto* cmd = app.add_subcommand("cmdline", k_description);
    add_target_options(*cmd, options->target);
    cmd->add_option_function<std::string>(
           "--loglevel", [o = options.get()](const std::string& v) { o->loglevel = v; },
           "Also append loglevel=N, the console log level from boot on (1-8)")
        ->type_name("N");
    // The rules between these flags are checked in run_cmdline(), in words: CLI11's
    // excludes()/needs() print "Excludes: --module" where help shows the description.
    cmd->add_flag("--builtin", options->builtin,
                  "Spell it for a kernel with netconsole built in (netconsole=); not with "
                  "--module");
    cmd->add_flag("--module", options->module,
                  "Spell it for netconsole as a module (netconsole.netconsole=); not with "
                  "--builtin");
    cmd->add_option_function<std::string>(
           "--kernel", [o = options.get()](const std::string& v) { o->kernel = v; },
           "Tell built in from module for this kernel release (default: the running one)")
        ->type_name("RELEASE");
    cmd->add_flag("--write-grub", options->write_grub,
                  "Write /etc/default/grub.d/netconsole.cfg (then run update-grub)");
    cmd->add_flag("--dry-run", options->dry_run, "With --write-grub: show the diff, write nothing");
    cmd->add_flag("--force", options->force,
                  "With --write-grub: replace the file even if netconsole-setup did not write it");
    cmd->footer(k_examples);
    return {cmd, [options](const Context& c) { run_cmdline(*options, c); }};
}

void run_cmdline(const CmdlineOptions& options, const Context& context) {
    if (options.builtin && options.module) {
        throw InputError("--builtin and --module exclude each other",
                         "give the one that matches the kernel, or neither to read it");
    }
    for (const auto& [given, name] : {std::pair{options.dry_run, "--dry-run"},
                                      std::pair{options.force, "--force"}}) {
        if (given && !options.write_grub) {
            throw InputError(fmt::format("{} needs --write-grub", name),
                             fmt::format("{} cmdline ... --write-grub {}", k_program, name));
        }
    }
    const auto requests = make_requests(options.target);
    std::optional<int> loglevel;
    if (options.loglevel) {
        loglevel = parse_level_option(*options.loglevel, "--loglevel");
    }

    persist::Build build = persist::Build::module;
    std::string why;
    std::string release = options.kernel.value_or("RELEASE");
    if (options.builtin || options.module) {
        build = options.builtin ? persist::Build::builtin : persist::Build::module;
        why = options.builtin ? "--builtin" : "--module";
    } else {
        const auto state = read_module_state(context.root, "netconsole", options.kernel);
        release = state.release;
        switch (state.kind()) {
        case ModuleKind::builtin:
            build = persist::Build::builtin;
            why = fmt::format("netconsole is built into {}", state.release);
            break;
        case ModuleKind::loaded:
        case ModuleKind::loadable:
            why = fmt::format("netconsole is a module in {}", state.release);
            break;
        case ModuleKind::absent:
            // netconsole.netconsole= is read by a built-in netconsole too (generic
            // module parameters), so it is the spelling that cannot be wrong.
            why = fmt::format("cannot tell how netconsole is built in {}", state.release);
            context.output.warning(
                {state.index_found
                     ? fmt::format("{} has no netconsole (not in modules.builtin or modules.dep)",
                                   state.release)
                     : fmt::format("no /lib/modules/{} to tell how netconsole is built",
                                   state.release),
                 "netconsole.netconsole= works either way; --builtin or --module to choose"});
            break;
        }
    }

    // A module is loaded from the kernel command line before the root is mounted
    // only by initramfs-tools' init, and only for a plain netconsole=
    // (`modprobe netconsole netconsole=<value>`); netconsole.netconsole= waits for
    // whatever loads the module after the root is mounted (systemd-modules-load).
    // --module asks for the latter spelling.
    const bool initramfs_loads = build == persist::Build::module && !options.module &&
                                 initramfs_generator(context.root) ==
                                     InitramfsGenerator::initramfs_tools;
    const auto targets = resolve_and_report(requests, context);
    const auto fragment = persist::cmdline_fragment(
        targets, initramfs_loads ? persist::Build::builtin : build, loglevel);

    std::vector<FilePlan> plans;
    if (options.write_grub) {
        plans.push_back(plan_write(context, persist::k_grub_path, persist::grub_dropin(fragment),
                                   options.force ? Force::yes : Force::no));
    }

    // Written before anything is printed: a failure leaves stdout empty.
    const bool changed = any_change(plans);
    if (options.write_grub && !options.dry_run && changed) {
        carry_out(context, plans);
    }
    if (context.global.json) {
        Json json;
        json["fragment"] = fragment;
        json["build"] = build == persist::Build::builtin ? "builtin" : "module";
        json["loaded_by"] = build == persist::Build::builtin ? "kernel"
                            : initramfs_loads                ? "initramfs-tools"
                                                             : "module loader";
        json["files"] = plans_json(plans);
        json["dry_run"] = options.dry_run;
        context.output.result() << dump(json);
    } else {
        context.output.result() << fragment << '\n';
        for (const auto& plan : plans) {
            context.output.result() << plan.diff;
        }
    }
    if (initramfs_loads) {
        context.output.note(
            fmt::format("{}: initramfs-tools' init loads it with netconsole= before the root "
                        "is mounted",
                        why),
            fmt::format("its image must hold netconsole.ko and the NIC's driver (MODULES=most "
                        "puts them in; lsinitramfs /boot/initrd.img-{} lists it); --module "
                        "spells netconsole.netconsole=",
                        release));
    } else if (build == persist::Build::module) {
        context.output.note(
            fmt::format("{}: netconsole.netconsole= takes effect when the module loads", why),
            "load it at boot: netconsole-setup modprobe --load-at-boot, or add netconsole to "
            "/etc/modules-load.d");
    } else if (!context.global.json) {
        context.output.step({fmt::format("{}: netconsole=", why), {}});
    }

    if (!options.write_grub) {
        return;
    }
    if (options.dry_run) {
        context.output.note(changed ? "--dry-run: nothing written" : "nothing would change");
    } else if (changed) {
        context.output.note(fmt::format("wrote {}", persist::k_grub_path),
                            "run update-grub to put it into /boot/grub/grub.cfg");
    } else {
        context.output.note(fmt::format("{} is unchanged", persist::k_grub_path));
    }
}

} // namespace ncs::cli
