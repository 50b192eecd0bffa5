#include "modprobe.hpp"

#include "cmdline.hpp"
#include "owned_files.hpp"
#include "persist/persist.hpp"
#include "system/module_state.hpp"
#include "system/printk.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Write /etc/modprobe.d/netconsole.conf so the module gets its targets when it loads";

constexpr const char* k_examples = R"(Examples:
  # see what would change, then write it
  netconsole-setup modprobe --to 192.0.2.5 --dry-run
  netconsole-setup modprobe --to 192.0.2.5 --load-at-boot --persist-loglevel 8
  # remove the files netconsole-setup wrote (never others)
  netconsole-setup modprobe --remove

The unified diff of every change goes to stdout; notes and warnings to stderr.
Files start with "# Managed by netconsole-setup."; any other file is left
alone unless --force. The target is resolved now: at boot the module may load
before the network is up. netconsole-setup.service resolves it afresh at every
boot from /etc/netconsole-setup.conf instead.)";

} // namespace

Command setup_modprobe(CLI::App& app) {
    auto options = std::make_shared<ModprobeOptions>();
    auto* cmd = app.add_subcommand("modprobe", k_description);
    const auto target_options = add_target_options(*cmd, options->target);
    auto given = [target_options]() {
        for (const auto* option : target_options) {
            if (option->count() > 0) {
                return option->get_name();
            }
        }
        return std::string();
    };
    cmd->add_flag("--load-at-boot", options->load_at_boot,
                  "Also write /etc/modules-load.d/netconsole.conf, so systemd loads it at boot");
    cmd->add_option_function<std::string>(
           "--persist-loglevel",
           [o = options.get()](const std::string& v) { o->persist_loglevel = v; },
           "Also write /etc/sysctl.d/90-netconsole.conf: console log level N from boot on")
        ->type_name("N");
    cmd->add_option_function<std::string>(
           "--kernel", [o = options.get()](const std::string& v) { o->kernel = v; },
           "Check netconsole is a module in this kernel release (default: the running one)")
        ->type_name("RELEASE");
    cmd->add_flag("--dry-run", options->dry_run, "Show the diff, write nothing");
    cmd->add_flag("--force", options->force,
                  "Replace files even if netconsole-setup did not write them");
    cmd->add_flag("--remove", options->remove,
                  "Remove the files netconsole-setup wrote, and only those");
    cmd->footer(k_examples);
    return {cmd, [options, given](const Context& c) {
                if (options->remove && !given().empty()) {
                    throw InputError(fmt::format("--remove takes no target options ({})", given()),
                                     "netconsole-setup modprobe --remove");
                }
                run_modprobe(*options, c);
            }};
}

void run_modprobe(const ModprobeOptions& options, const Context& context) {
    std::vector<FilePlan> plans;
    std::vector<Warning> warnings; // shown once the files are written: an error comes alone
    if (options.remove) {
        if (options.load_at_boot || options.persist_loglevel) {
            throw InputError("--remove removes every file netconsole-setup wrote",
                             "leave out --load-at-boot and --persist-loglevel");
        }
        for (const auto path : {persist::k_modprobe_path, persist::k_modules_load_path}) {
            plans.push_back(plan_remove(context, path));
        }
        // kernel.panic there is panic-watchdog's: only the printk line is modprobe's.
        plans.push_back(plan_sysctl(
            context, [](persist::SysctlSettings& s) { s.printk.reset(); }, Force::no));
    } else {
        // Everything the user typed is checked before anything is read or written.
        const auto requests = make_requests(options.target);
        std::optional<int> loglevel;
        if (options.persist_loglevel) {
            loglevel = parse_level_option(*options.persist_loglevel, "--persist-loglevel");
        }
        const auto state = read_module_state(context.root, "netconsole", options.kernel);
        if (state.kind() == ModuleKind::builtin) {
            // A built-in netconsole never reads modprobe.d: the file would do nothing.
            throw OperationError(
                fmt::format("netconsole is built into {}: modprobe.d options are not used",
                            state.release),
                "use the kernel command line instead: netconsole-setup cmdline --to ...");
        }

        const auto targets = resolve_and_report(requests, context);
        const auto force = options.force ? Force::yes : Force::no;
        plans.push_back(
            plan_write(context, persist::k_modprobe_path, persist::modprobe_conf(targets), force));
        if (options.load_at_boot) {
            plans.push_back(plan_write(context, persist::k_modules_load_path,
                                       persist::modules_load_conf(), force));
        }
        if (loglevel) {
            // Keep the other three values as they are now; the kernel's defaults
            // (CONSOLE_LOGLEVEL_DEFAULT 7, MESSAGE_LOGLEVEL_DEFAULT 4, minimum 1)
            // when /proc cannot be read.
            PrintkLevels now{*loglevel, 4, 1, 7};
            try {
                now = read_printk_levels(context.root);
            } catch (const std::exception&) {
                context.output.note(
                    fmt::format("cannot read {}; keeping the kernel's defaults 4 1 7",
                                context.root.path("/proc/sys/kernel/printk").string()));
            }
            plans.push_back(plan_sysctl(
                context,
                [&](persist::SysctlSettings& s) {
                    s.printk = std::array{*loglevel, now.default_message_loglevel,
                                          now.minimum_console_loglevel,
                                          now.default_console_loglevel};
                },
                force));
        }
        warnings.push_back(
            {fmt::format("at boot the module can load before the network is up, and then fails "
                         "(\"no IP address for {}, aborting\", or no such device yet)",
                         !targets.empty() && targets.front().device_name() != nullptr
                             ? *targets.front().device_name()
                             : std::string("the device")),
             "netconsole-setup.service resolves and applies /etc/netconsole-setup.conf after "
             "network-online.target: systemctl enable netconsole-setup.service"});
    }

    const bool changed = any_change(plans);
    if (!options.dry_run && changed) {
        carry_out(context, plans);
    }
    for (const auto& warning : warnings) {
        context.output.warning(warning);
    }
    if (context.global.json) {
        Json json;
        json["dry_run"] = options.dry_run;
        json["files"] = plans_json(plans);
        context.output.result() << dump(json);
    } else {
        for (const auto& plan : plans) {
            context.output.result() << plan.diff;
        }
    }
    if (options.dry_run) {
        context.output.note(changed ? "--dry-run: nothing written" : "nothing would change");
    } else if (!changed) {
        context.output.note("nothing changed; the files already hold this");
    }
}

} // namespace ncs::cli
