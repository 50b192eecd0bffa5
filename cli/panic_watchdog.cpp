#include "panic_watchdog.hpp"

#include "crash_report.hpp"
#include "errors.hpp"
#include "json.hpp"
#include "model/duration.hpp"
#include "ops/panic_watchdog.hpp"
#include "owned_files.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Make a panic reach the doctor on Linux 7.0+: kernel.panic=0, a hardware watchdog reboots";

constexpr const char* k_examples = R"(Examples:
  netconsole-setup panic-watchdog --dry-run
  netconsole-setup panic-watchdog --watchdog-sec 60s
  # no hardware watchdog: the host stays down after a panic until reset by hand
  netconsole-setup panic-watchdog --stay-down
  netconsole-setup panic-watchdog --remove

Since Linux 7.0 netconsole sends a panic only at the very end of it, after the
reboot that kernel.panic != 0 asks for. This sets kernel.panic=0 now and in
/etc/sysctl.d/90-netconsole.conf, and writes
/etc/systemd/system.conf.d/90-netconsole-setup.conf (RuntimeWatchdogSec=) so that
systemd arms a hardware watchdog, which resets the host that stays down. softdog
cannot: it never fires in a panicked kernel. systemd applies the drop-in at the
next boot or after 'systemctl daemon-reexec'. With a crash kernel loaded (kdump)
the panic goes to kdump first, whatever kernel.panic says.)";

ops::PanicWatchdogRequest request_of(const PanicWatchdogOptions& options) {
    if (options.remove && (options.watchdog_sec || options.stay_down)) {
        throw InputError("--remove undoes everything panic-watchdog set",
                         "leave out --watchdog-sec and --stay-down");
    }
    ops::PanicWatchdogRequest request;
    request.mode = options.remove ? ops::PanicWatchdogRequest::Mode::remove
                                  : ops::PanicWatchdogRequest::Mode::set;
    if (options.watchdog_sec) {
        request.watchdog_timeout = parse_duration(*options.watchdog_sec);
    }
    request.stay_down = options.stay_down ? ops::StayDown::yes : ops::StayDown::no;
    request.force = options.force ? ops::Force::yes : ops::Force::no;
    return request;
}

/// What the plan says before anything changes.
void note_plan(const ops::PanicWatchdogPlan& plan, Output& output) {
    note_left_files(plan.files, output);
    if (plan.panic_unrecorded) {
        output.note("kernel.panic stays 0 until the next boot: no value before "
                    "panic-watchdog was recorded",
                    "sysctl kernel.panic=N sets the reboot delay you want");
    }
    if (plan.sends_before_reboot) {
        output.note(fmt::format("Linux {} sends a panic before it reboots; kernel.panic=0 "
                                "matters from Linux {} on",
                                to_string(*plan.sends_before_reboot),
                                to_string(added_in::nbcon_netconsole)));
    }
    if (plan.kdump) {
        output.warning({loss_text(*plan.kdump), std::string(k_kdump_hint),
                        Warning::Kind::panic_lost});
    }
}

void print_result(const ops::PanicWatchdogPlan& plan, const PanicWatchdogOptions& options,
                  const Context& context) {
    const auto& change = plan.kernel_panic;
    if (context.global.json) {
        Json json;
        json["dry_run"] = options.dry_run;
        json["files"] = plans_json(plan.files);
        json["kernel_panic"] =
            change ? Json{{"before", change->before}, {"after", change->after}} : Json(nullptr);
        json["watchdog"] = plan.watchdog ? Json{{"name", plan.watchdog->name},
                                                {"identity", plan.watchdog->identity}}
                                         : Json(nullptr);
        context.output.result() << dump(json);
        return;
    }
    print_diffs(plan.files, context.output.result());
    if (change) {
        context.output.result() << fmt::format("kernel.panic: {} -> {}{}\n", change->before,
                                               change->after,
                                               options.dry_run ? " (would be set)" : "");
    }
}

/// The notes after a change.
void note_changed(const ops::PanicWatchdogPlan& plan, const PanicWatchdogOptions& options,
                  Output& output) {
    if (!plan.live) {
        output.note(fmt::format("under --root the running kernel is not changed: {} "
                                "applies when that system boots",
                                options.remove ? "the removal" : "kernel.panic=0"));
    }
    if (plan.watchdog) {
        output.note(fmt::format("systemd drives {} ({}) from the next boot on",
                                plan.watchdog->name, plan.watchdog->identity),
                    "systemctl daemon-reexec applies RuntimeWatchdogSec= now");
    }
    if (options.stay_down) {
        output.note("after a panic the host stays down until it is reset");
    }
}

} // namespace

Command setup_panic_watchdog(CLI::App& app) {
    auto options = std::make_shared<PanicWatchdogOptions>();
    auto* cmd = app.add_subcommand("panic-watchdog", k_description);
    cmd->add_option_function<std::string>(
           "--watchdog-sec", [o = options.get()](const std::string& v) { o->watchdog_sec = v; },
           "RuntimeWatchdogSec= for the hardware watchdog (default 30s)")
        ->type_name("DURATION");
    cmd->add_flag("--stay-down", options->stay_down,
                  "Set kernel.panic=0 without a watchdog: the host stays down after a panic");
    cmd->add_flag("--dry-run", options->dry_run, "Show the diff, change nothing");
    cmd->add_flag("--force", options->force,
                  "Replace files even if netconsole-setup did not write them");
    cmd->add_flag("--remove", options->remove,
                  "Undo it: remove the drop-in and kernel.panic=0, restore kernel.panic");
    cmd->footer(k_examples);
    return {cmd, [options](const Context& c) { run_panic_watchdog(*options, c); }};
}

void run_panic_watchdog(const PanicWatchdogOptions& options, const Context& context) {
    const auto request = request_of(options);
    ops::PanicWatchdogPlan plan;
    try {
        plan = ops::plan_panic_watchdog(context.root, request);
    } catch (const FieldError& error) {
        throw flag_error(error, "--watchdog-sec");
    } catch (const ops::NoHardwareWatchdogError& error) {
        throw OperationError(error.text(),
                             "--stay-down sets kernel.panic=0 anyway, and the host stays down "
                             "after a panic until reset; without it nothing changes, and a "
                             "panic is lost");
    }
    note_plan(plan, context.output);
    const bool changed = plan.changes();
    const auto dry_run = options.dry_run ? ops::DryRun::yes : ops::DryRun::no;
    if (dry_run == ops::DryRun::no && changed) {
        std::optional<LiveKernel> kernel;
        if (plan.kernel_panic) {
            kernel = context.root.live_kernel("'panic-watchdog'");
        }
        ops::carry_out(context.root, plan, kernel ? &*kernel : nullptr);
    }
    print_result(plan, options, context);
    note_outcome(dry_run, changed, "nothing changed; the files already hold this",
                 context.output);
    if (dry_run == ops::DryRun::no && changed) {
        note_changed(plan, options, context.output);
    }
}

} // namespace ncs::cli
