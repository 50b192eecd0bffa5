#include "modprobe.hpp"

#include "json.hpp"
#include "level_option.hpp"
#include "ops/modprobe_files.hpp"
#include "owned_files.hpp"

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

namespace {

/// The plan of the files, or of their removal (one library call each); the resolutions'
/// steps and warnings are shown before the plan's error, if any.
ops::ModprobePlan plan(const ModprobeOptions& options, const Context& context) {
    if (options.remove) {
        if (options.load_at_boot || options.persist_loglevel) {
            throw InputError("--remove removes every file netconsole-setup wrote",
                             "leave out --load-at-boot and --persist-loglevel");
        }
        return ops::plan_modprobe_removal(context.root);
    }
    // Everything the user typed is checked before anything is read or written.
    const auto requests = make_requests(options.target);
    std::optional<int> loglevel;
    if (options.persist_loglevel) {
        loglevel = parse_level_option(*options.persist_loglevel, "--persist-loglevel");
    }
    try {
        return report_resolved(ops::plan_modprobe(context.root,
                                                  {requests, options.kernel, options.load_at_boot,
                                                   loglevel,
                                                   options.force ? ops::Force::yes : ops::Force::no}),
                               requests, context);
    } catch (const ops::BuiltInNetconsoleError& error) {
        throw OperationError(error.text(),
                             "use the kernel command line instead: netconsole-setup cmdline "
                             "--to ...");
    }
}

/// Shown once the files are written: an error comes alone.
Warning boot_warning(const std::string& device) {
    return {fmt::format("at boot the module can load before the network is up, and then fails "
                        "(\"no IP address for {}, aborting\", or no such device yet)",
                        device.empty() ? std::string("the device") : device),
            "netconsole-setup.service resolves and applies /etc/netconsole-setup.conf after "
            "network-online.target: systemctl enable netconsole-setup.service"};
}

} // namespace

void run_modprobe(const ModprobeOptions& options, const Context& context) {
    const auto plan = cli::plan(options, context);
    note_left_files(plan.files, context.output);
    if (plan.printk_unread) {
        context.output.note(
            fmt::format("cannot read {}; keeping the kernel's defaults 4 1 7",
                        context.root.path("/proc/sys/kernel/printk").string()));
    }
    const bool changed = ops::any_change(plan.files);
    const auto dry_run = options.dry_run ? ops::DryRun::yes : ops::DryRun::no;
    if (dry_run == ops::DryRun::no && changed) {
        ops::carry_out(context.root, plan.files);
    }
    if (!options.remove) {
        context.output.warning(boot_warning(plan.boot_device));
    }
    if (context.global.json) {
        Json json;
        json["dry_run"] = options.dry_run;
        json["files"] = plans_json(plan.files);
        context.output.result() << dump(json);
    } else {
        print_diffs(plan.files, context.output.result());
    }
    note_outcome(dry_run, changed, "nothing changed; the files already hold this",
                 context.output);
}

} // namespace ncs::cli
