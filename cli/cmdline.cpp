#include "cmdline.hpp"

#include "json.hpp"
#include "level_option.hpp"
#include "ops/kernel_cmdline.hpp"
#include "owned_files.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

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
  # does the initramfs hold netconsole.ko and the NIC's driver? if not, put them in
  # (initramfs-tools: a hook of its own; /etc/initramfs-tools/modules stays yours)
  netconsole-setup cmdline --to 192.0.2.5 --check-initramfs
  netconsole-setup cmdline --to 192.0.2.5 --write-initramfs-config && update-initramfs -u
  # Debian/Ubuntu: the /etc/default/grub.d drop-in, then update-grub
  netconsole-setup cmdline --to 192.0.2.5 --write-grub && update-grub

The fragment is for the kernel's command line, where ';' needs no quotes; in a
shell, quote it. It is at most 255 characters, the kernel's limit.)";

} // namespace

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
    cmd->add_flag("--check-initramfs", options->check_initramfs,
                  "Check that /boot/initrd.img-RELEASE (--kernel, default: the running one) "
                  "holds netconsole and the device's driver");
    cmd->add_flag("--write-initramfs-config", options->write_initramfs_config,
                  "Put netconsole and the device's driver in the initramfs: the hook "
                  "/etc/initramfs-tools/hooks/netconsole-setup or "
                  "/etc/dracut.conf.d/90-netconsole-setup.conf");
    cmd->add_flag("--dry-run", options->dry_run,
                  "With --write-grub or --write-initramfs-config: show the diff, write nothing");
    cmd->add_flag("--force", options->force,
                  "With --write-grub or --write-initramfs-config: replace the file even if "
                  "netconsole-setup did not write it");
    cmd->footer(k_examples);
    return {cmd, [options](const Context& c) { run_cmdline(*options, c); }};
}

namespace {

/// The rules between the flags, in words: CLI11's excludes()/needs() print "Excludes:
/// --module" where help shows the description.
void check_flags(const CmdlineOptions& options) {
    if (options.builtin && options.module) {
        throw InputError("--builtin and --module exclude each other",
                         "give the one that matches the kernel, or neither to read it");
    }
    for (const auto& [given, name] : {std::pair{options.dry_run, "--dry-run"},
                                      std::pair{options.force, "--force"}}) {
        if (given && !options.write_grub && !options.write_initramfs_config) {
            throw InputError(fmt::format("{} needs --write-grub or --write-initramfs-config",
                                         name),
                             fmt::format("{} cmdline ... --write-grub {}", k_program, name));
        }
    }
}

std::optional<persist::Build> chosen_build(const CmdlineOptions& options) {
    if (options.builtin) {
        return persist::Build::builtin;
    }
    if (options.module) {
        return persist::Build::module;
    }
    return std::nullopt;
}

/// Why the fragment is spelled as it is: "netconsole is built into 6.12.48+deb13-amd64"
/// (raw: Output escapes it).
std::string build_why(const ops::CmdlineBuild& build) {
    switch (build.reason) {
    case ops::BuildReason::chosen:
        return build.build == persist::Build::builtin ? "--builtin" : "--module";
    case ops::BuildReason::built_in:
        return fmt::format("netconsole is built into {}", build.release);
    case ops::BuildReason::module:
        return fmt::format("netconsole is a module in {}", build.release);
    case ops::BuildReason::no_module:
    case ops::BuildReason::no_modules:
        break;
    }
    return fmt::format("cannot tell how netconsole is built in {}", build.release);
}

/// The warning when the kernel cannot tell how netconsole is built; nullopt otherwise.
std::optional<Warning> build_warning(const ops::CmdlineBuild& build) {
    if (build.reason != ops::BuildReason::no_module &&
        build.reason != ops::BuildReason::no_modules) {
        return std::nullopt;
    }
    return Warning{build.reason == ops::BuildReason::no_module
                       ? fmt::format("{} has no netconsole (not in modules.builtin or modules.dep)",
                                     build.release)
                       : fmt::format("no /lib/modules/{} to tell how netconsole is built",
                                     build.release),
                   "netconsole.netconsole= works either way; --builtin or --module to choose"};
}

const char* loaded_by_name(ops::LoadedBy loaded_by) {
    switch (loaded_by) {
    case ops::LoadedBy::kernel:
        return "kernel";
    case ops::LoadedBy::initramfs_tools:
        return "initramfs-tools";
    case ops::LoadedBy::module_loader:
        break;
    }
    return "module loader";
}

const char* in_image_name(ops::InImage where) {
    switch (where) {
    case ops::InImage::image:
        return "image";
    case ops::InImage::built_in:
        return "built in";
    case ops::InImage::missing:
        break;
    }
    return "missing";
}

/// "netconsole.ko and e1000.ko" (raw: Output escapes it).
std::string module_files(const std::vector<std::string>& modules) {
    std::string text;
    for (std::size_t i = 0; i < modules.size(); ++i) {
        text += (i == 0 ? "" : i + 1 == modules.size() ? " and " : ", ") + modules[i] + ".ko";
    }
    return text;
}

/// The modules of check found in where.
std::vector<std::string> modules_in(const ops::InitramfsCheck& check, ops::InImage where) {
    std::vector<std::string> names;
    for (const auto& [name, found] : check.modules) {
        if (found == where) {
            names.push_back(name);
        }
    }
    return names;
}

/// How to put modules in the image, for the system's generator.
std::string initramfs_fix(const ops::InitramfsCheck& check, InitramfsGenerator generator) {
    std::string names;
    for (const auto& [name, found] : check.modules) {
        names += name + ' ';
    }
    switch (generator) {
    case InitramfsGenerator::initramfs_tools:
        return fmt::format("add {}with an initramfs-tools hook (cmdline --write-initramfs-config "
                           "writes {}), then update-initramfs -u -k {}",
                           names, persist::k_initramfs_tools_hook_path, check.release);
    case InitramfsGenerator::dracut:
        return fmt::format("force_drivers+=\" {}\" in {} (cmdline --write-initramfs-config "
                           "writes it), then dracut -f --kver {}",
                           names, persist::k_dracut_conf_path, check.release);
    case InitramfsGenerator::none:
        break;
    }
    return fmt::format("put {}in the image with the program that builds it", names);
}

/// The check's verdict: an error unless the image holds every module, a warning instead
/// when the file that adds them is being written (the image is rebuilt after).
void report_initramfs(const ops::InitramfsCheck& check, const CmdlineOptions& options,
                      const Context& context) {
    const auto generator = initramfs_generator(context.root);
    if (!check.image_found) {
        throw OperationError(fmt::format("no {} to check", check.image),
                             "--kernel names the release whose image to check");
    }
    const auto missing = modules_in(check, ops::InImage::missing);
    if (missing.empty()) {
        return;
    }
    auto message = fmt::format("{} has no {}", check.image, module_files(missing));
    if (!options.write_initramfs_config) {
        throw OperationError(message, initramfs_fix(check, generator));
    }
    context.output.warning({std::move(message), "rebuild the image once the file is written"});
}

void note_initramfs(const ops::InitramfsCheck& check, Output& output) {
    const auto held = modules_in(check, ops::InImage::image);
    const auto built_in = modules_in(check, ops::InImage::built_in);
    if (!held.empty()) {
        output.note(fmt::format("{} holds {}", check.image, module_files(held)));
    }
    for (const auto& name : built_in) {
        output.note(fmt::format("{} is built into {}", name, check.release));
    }
}

void print_result(const std::string& fragment, const std::vector<ops::FilePlan>& files,
                  const ops::CmdlineBuild& build, const std::optional<ops::InitramfsCheck>& check,
                  const CmdlineOptions& options, const Context& context) {
    if (context.global.json) {
        Json json;
        if (check) {
            Json modules = Json::object();
            for (const auto& [name, found] : check->modules) {
                modules[name] = in_image_name(found);
            }
            json["initramfs"] = {{"image", check->image},
                                 {"release", check->release},
                                 {"modules", modules},
                                 {"complete", check->complete()}};
        }
        json["fragment"] = fragment;
        json["build"] = build.build == persist::Build::builtin ? "builtin" : "module";
        json["loaded_by"] = loaded_by_name(build.loaded_by);
        json["files"] = plans_json(files);
        json["dry_run"] = options.dry_run;
        context.output.result() << dump(json);
    } else {
        context.output.result() << printable(fragment) << '\n';
        print_diffs(files, context.output.result());
    }
}

/// The grub.d drop-in's and the initramfs file's outcome, with the command that uses each.
void note_files(const std::vector<ops::FilePlan>& plans, const CmdlineOptions& options,
                Output& output) {
    if (plans.empty()) {
        return;
    }
    if (options.dry_run) {
        note_outcome(ops::DryRun::yes, ops::any_change(plans), {}, output);
        return;
    }
    for (const auto& plan : plans) {
        const bool grub = plan.path == persist::k_grub_path;
        if (ops::file_action(plan) == ops::FileAction::unchanged) {
            output.note(fmt::format("{} is unchanged", plan.path));
        } else if (ops::file_action(plan) == ops::FileAction::remove) {
            output.note(fmt::format("removed {}, which an earlier netconsole-setup wrote",
                                    plan.path));
        } else {
            output.note(fmt::format("wrote {}", plan.path),
                        grub ? "run update-grub to put it into /boot/grub/grub.cfg"
                        : plan.path == persist::k_dracut_conf_path
                            ? "run dracut -f to build the image with them"
                            : "run update-initramfs -u to build the image with them");
        }
    }
}

/// Warnings for the devices whose driver sysfs under the root does not show.
void warn_unknown_drivers(const ops::InitramfsModules& modules, const Context& context) {
    for (const auto& device : modules.unknown_drivers) {
        const auto* dev = std::get_if<std::string>(&device);
        context.output.warning(
            {dev != nullptr
                 ? fmt::format("no driver for {} in /sys/class/net/{}/device/driver{}", *dev, *dev,
                               context.root.is_system_root() ? "" : " under the root")
                 : fmt::format("no driver for the interface with MAC {} in "
                               "/sys/class/net/*/address{}",
                               std::get<MacAddress>(device),
                               context.root.is_system_root() ? "" : " under the root"),
             "the device's driver is left out: name it yourself"});
    }
}

} // namespace

void run_cmdline(const CmdlineOptions& options, const Context& context) {
    check_flags(options);
    const auto requests = make_requests(options.target);
    std::optional<int> loglevel;
    if (options.loglevel) {
        loglevel = parse_level_option(*options.loglevel, "--loglevel");
    }
    const auto build = ops::cmdline_build(context.root, chosen_build(options), options.kernel);
    if (const auto warning = build_warning(build)) {
        context.output.warning(*warning);
    }
    const auto force = options.force ? ops::Force::yes : ops::Force::no;
    const auto targets = resolve_and_report(requests, context, build.release);
    const auto plan = ops::plan_cmdline(
        context.root, {targets, build.spelling(), build.release, loglevel, options.write_grub,
                       force});

    auto files = plan.files;
    std::optional<ops::InitramfsCheck> check;
    if (options.write_initramfs_config || options.check_initramfs) {
        const auto modules = ops::initramfs_modules(context.root, targets);
        if (options.write_initramfs_config) {
            auto plans = ops::plan_initramfs_config(
                context.root, initramfs_generator(context.root), modules.modules, force);
            files.insert(files.end(), plans.begin(), plans.end());
        }
        warn_unknown_drivers(modules, context);
        if (options.check_initramfs) {
            check = ops::check_initramfs(context.root, options.kernel, modules.modules);
            report_initramfs(*check, options, context);
        }
    }
    // Written before anything is printed: a failure leaves stdout empty.
    const bool changed = ops::any_change(files);
    if (!options.dry_run && changed) {
        ops::carry_out(context.root, files);
    }
    print_result(plan.fragment, files, build, check, options, context);
    const auto why = build_why(build);
    if (build.loaded_by == ops::LoadedBy::initramfs_tools) {
        context.output.note(
            fmt::format("{}: initramfs-tools' init loads it with netconsole= before the root "
                        "is mounted",
                        why),
            fmt::format("its image must hold netconsole.ko and the NIC's driver (MODULES=most "
                        "puts them in; lsinitramfs /boot/initrd.img-{} lists it); --module "
                        "spells netconsole.netconsole=",
                        build.release));
    } else if (build.build == persist::Build::module) {
        context.output.note(
            fmt::format("{}: netconsole.netconsole= takes effect when the module loads", why),
            "load it at boot: netconsole-setup modprobe --load-at-boot, or add netconsole to "
            "/etc/modules-load.d");
    } else if (!context.global.json) {
        context.output.step({fmt::format("{}: netconsole=", why), {}});
    }
    if (check) {
        note_initramfs(*check, context.output);
    }
    note_files(files, options, context.output);
}

} // namespace ncs::cli
