#include "panic_watchdog.hpp"

#include "crash_report.hpp"
#include "json.hpp"
#include "owned_files.hpp"
#include "model/duration.hpp"
#include "persist/persist.hpp"
#include "system/crash_settings.hpp"
#include "system/writer_lock.hpp"

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

constexpr auto k_default_watchdog_sec = std::chrono::seconds(30);

/// RuntimeWatchdogSec's value: "30s", or "1500ms" when not whole seconds.
std::string systemd_timespan(std::chrono::milliseconds duration) {
    if (duration.count() % 1000 == 0) {
        return fmt::format("{}s", duration.count() / 1000);
    }
    return fmt::format("{}ms", duration.count());
}

std::chrono::milliseconds watchdog_timeout(const PanicWatchdogOptions& options) {
    if (!options.watchdog_sec) {
        return k_default_watchdog_sec;
    }
    const auto duration = parse_duration(*options.watchdog_sec);
    if (duration < std::chrono::seconds(1)) {
        throw InputError(fmt::format("--watchdog-sec {}: a hardware watchdog counts whole "
                                     "seconds, at least 1",
                                     *options.watchdog_sec),
                         "30s gives a panic time to reach the doctor before the reset");
    }
    return duration;
}

/// The first watchdog that can reset a panicked host, or nullopt.
std::optional<Watchdog> hardware_watchdog(const std::vector<Watchdog>& watchdogs) {
    for (const auto& w : watchdogs) {
        if (is_hardware_watchdog(w)) {
            return w;
        }
    }
    return std::nullopt;
}

/// What a run changes on the running kernel: kernel.panic from before to after.
struct LiveChange {
    int before = 0;
    int after = 0;
};

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
    if (options.remove && (options.watchdog_sec || options.stay_down)) {
        throw InputError("--remove undoes everything panic-watchdog set",
                         "leave out --watchdog-sec and --stay-down");
    }
    const auto timeout = options.remove ? std::chrono::milliseconds(0) : watchdog_timeout(options);
    const auto force = options.force ? Force::yes : Force::no;
    // Under --root the files are those of another system; its kernel is not running.
    const bool live = context.root.is_system_root();
    const auto settings = read_crash_settings(context.root);
    std::vector<FilePlan> plans;
    std::optional<LiveChange> change;
    std::optional<Watchdog> watchdog;

    if (options.remove) {
        std::optional<int> recorded;
        plans.push_back(plan_sysctl(
            context,
            [&](persist::SysctlSettings& s) {
                recorded = s.panic_before;
                s.panic.reset();
                s.panic_before.reset();
            },
            Force::no));
        plans.push_back(plan_remove(context, persist::k_system_conf_path));
        if (live && settings.panic_timeout == 0) {
            if (recorded) {
                change = LiveChange{0, *recorded};
            } else {
                context.output.note("kernel.panic stays 0 until the next boot: no value before "
                                    "panic-watchdog was recorded",
                                    "sysctl kernel.panic=N sets the reboot delay you want");
            }
        }
    } else {
        const auto hardware = hardware_watchdog(read_watchdogs(context.root));
        if (!hardware && !options.stay_down) {
            throw OperationError(
                "no hardware watchdog in /sys/class/watchdog to reboot a host that stays down "
                "after a panic (softdog does not fire in a panicked kernel)",
                "--stay-down sets kernel.panic=0 anyway, and the host stays down after a panic "
                "until reset; without it nothing changes, and a panic is lost");
        }
        if (!options.stay_down) {
            watchdog = hardware;
        }
        const auto before = settings.panic_timeout;
        plans.push_back(plan_sysctl(
            context,
            [&](persist::SysctlSettings& s) {
                // The first run records what kernel.panic was; a later one keeps that.
                if (!s.panic && before && *before != 0) {
                    s.panic_before = *before;
                }
                s.panic = 0;
            },
            force));
        if (watchdog) {
            plans.push_back(plan_write(
                context, persist::k_system_conf_path,
                persist::watchdog_dropin(systemd_timespan(timeout),
                                         fmt::format("{}, {}", watchdog->name, watchdog->identity)),
                force));
        }
        if (live && settings.panic_timeout != 0) {
            if (!settings.panic_timeout) {
                throw OperationError(fmt::format("cannot read {}", k_panic_path));
            }
            change = LiveChange{*settings.panic_timeout, 0};
        }
        const auto verdict = panic_delivery(settings);
        if (settings.kernel && *settings.kernel < added_in::nbcon_netconsole) {
            context.output.note(fmt::format("Linux {} sends a panic before it reboots; "
                                            "kernel.panic=0 matters from Linux {} on",
                                            to_string(*settings.kernel),
                                            to_string(added_in::nbcon_netconsole)));
        }
        if (verdict.loss == CrashLoss::crash_kernel) {
            context.output.warning({loss_text(verdict), std::string(k_kdump_hint),
                                    Warning::Kind::panic_lost});
        }
    }

    const bool changed = any_change(plans) || change.has_value();
    if (!options.dry_run && changed) {
        // One writer at a time (carry_out takes the same lock again); the running kernel
        // first: it is one value to put back if the files fail.
        const WriterLock lock(context.root);
        std::optional<LiveKernel> kernel;
        if (change) {
            kernel = context.root.live_kernel("'panic-watchdog'");
            set_panic_timeout(*kernel, context.root, change->after);
        }
        try {
            carry_out(context, plans);
        } catch (...) {
            if (change) {
                set_panic_timeout(*kernel, context.root, change->before);
            }
            throw;
        }
    }
    if (context.global.json) {
        Json json;
        json["dry_run"] = options.dry_run;
        json["files"] = plans_json(plans);
        json["kernel_panic"] =
            change ? Json{{"before", change->before}, {"after", change->after}} : Json(nullptr);
        json["watchdog"] = watchdog ? Json{{"name", watchdog->name},
                                           {"identity", watchdog->identity}}
                                    : Json(nullptr);
        context.output.result() << dump(json);
    } else {
        for (const auto& plan : plans) {
            context.output.result() << plan.diff;
        }
        if (change) {
            context.output.result() << fmt::format(
                "kernel.panic: {} -> {}{}\n", change->before, change->after,
                options.dry_run ? " (would be set)" : "");
        }
    }
    if (options.dry_run) {
        context.output.note(changed ? "--dry-run: nothing written" : "nothing would change");
        return;
    }
    if (!changed) {
        context.output.note("nothing changed; the files already hold this");
    }
    if (!live && changed) {
        context.output.note(fmt::format("under --root the running kernel is not changed: {} "
                                        "applies when that system boots",
                                        options.remove ? "the removal" : "kernel.panic=0"));
    }
    if (watchdog && changed) {
        context.output.note(fmt::format("systemd drives {} ({}) from the next boot on",
                                        watchdog->name, printable(watchdog->identity)),
                            "systemctl daemon-reexec applies RuntimeWatchdogSec= now");
    }
    if (options.stay_down && changed) {
        context.output.note("after a panic the host stays down until it is reset");
    }
}

} // namespace ncs::cli
