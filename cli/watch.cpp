#include "watch.hpp"

#include "crash_report.hpp"
#include "errors.hpp"
#include "kernel_admin.hpp"
#include "ops/watch.hpp"
#include "plan_render.hpp"
#include "target_options.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <limits>
#include <memory>
#include <ostream>
#include <set>
#include <utility>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Apply the targets, then keep them right while the network changes (needs root)";

constexpr const char* k_examples = R"(Examples:
  # follow the route, source and next-hop MAC of one target
  netconsole-setup watch --to 192.0.2.5 --name doctor
  # show what it would change, write nothing
  netconsole-setup watch --to 192.0.2.5 --name doctor --dry-run
  # the boot configuration, as netconsole-setup-watch.service runs it
  netconsole-setup watch --config /etc/netconsole-setup.conf

Runs in the foreground until SIGTERM or SIGINT, which leave the targets as they are.
One line per change on stderr; -v also shows every event considered. A target
that cannot be resolved is left as it is, never delays the others, and is tried
again at once when the network changes, else with backoff.)";

struct WatchOptions {
    TargetOptions target; ///< with --name, --userdata and --sysdata
    bool dry_run = false;
    std::optional<std::string> event_buffer;
    std::optional<std::string> config;
};

/// Renders what the watch reports; hands readiness and liveness to systemd.
class Sink final : public ops::WatchSink {
public:
    Sink(const Context& context, bool dry_run, const ServiceNotifier& notifier)
        : m_context(context), m_dry_run(dry_run), m_notifier(notifier) {}

    void ready() override {
        m_context.output.note(m_dry_run ? "watching (dry run: nothing is written)" : "watching");
        m_notifier.notify("READY=1\nSTATUS=watching the network for the targets");
    }

    void event(const NetworkEvent& event, const std::vector<std::string>& concerned) override {
        if (!m_context.global.verbose) {
            return;
        }
        m_context.output.status() << fmt::format(
            "{}: event: {}{}\n", k_program, printable(describe(event)),
            concerned.empty()
                ? std::string(" (concerns no target)")
                : fmt::format(" (concerns {})", printable(fmt::format("{}", fmt::join(concerned, ", ")))));
    }

    void planned(const reconcile::Plan& plan, bool, const reconcile::PlanTiming& timing) override {
        // A warning is shown when it first appears, not at every re-plan.
        std::set<std::pair<std::string, std::string>> shown;
        for (const auto& w : plan.warnings) {
            const auto key = std::pair{w.target, w.warning.message};
            shown.insert(key);
            if (w.kind == reconcile::WarningKind::needs_newer_kernel ||
                m_shown.count(key) != 0) {
                continue; // the plan fails with the version a missing feature needs
            }
            m_context.output.warning(w.warning, w.target);
        }
        for (const auto& t : plan.targets) {
            // Targets not re-planned keep their warnings.
            for (const auto& key : m_shown) {
                if (key.first != t.name) {
                    shown.insert(key);
                }
            }
        }
        m_shown = std::move(shown);
        // Dry run: the plan is the command's result (stdout); otherwise a log on stderr.
        auto& out = m_dry_run ? m_context.output.result() : m_context.output.status();
        for (const auto& t : plan.targets) {
            write_plan_lines(out, t, m_dry_run ? Tense::would : Tense::done);
        }
        out.flush();
        if (timing.elapsed.count() > 0 && m_context.global.verbose) {
            const auto ms = [](std::chrono::microseconds d) {
                return std::chrono::duration<double, std::milli>(d).count();
            };
            m_context.output.status() << fmt::format(
                "{}: planned {} target(s) {:.3f} ms after the burst's first event ({:.3f} ms "
                "after the debounce, {:.3f} ms of it resolving, {:.3f} reading configfs, {:.3f} "
                "writing)\n",
                k_program, plan.targets.size(), ms(timing.elapsed), ms(timing.after_debounce),
                ms(timing.resolving), ms(timing.reading), ms(timing.writing));
        }
    }

    void failed(const std::exception_ptr& error) override {
        // Reported as an error would be, flags phrased; the watch goes on: a warning.
        const auto report = describe_error(error);
        m_context.output.warning({report.message, report.hint});
    }

    void alive() override { m_notifier.notify("WATCHDOG=1"); }

    void reloaded(const std::exception_ptr& error) override {
        if (error) {
            m_context.output.warning(
                {fmt::format("the configuration was not read again: {}",
                             describe_error(error).message),
                 "the targets stay as they are"});
        } else {
            m_context.output.note("configuration read again");
        }
    }

    void crash(const CrashVerdict& verdict) override { warn_if_panic_lost(verdict, m_context); }

    void prepared(const std::vector<std::string>& steps) override {
        for (const auto& step : steps) {
            m_context.output.step({step, {}});
        }
    }

    void no_target() override {
        m_context.output.note("the configuration lists no target; watching none until "
                              "a SIGHUP reads some");
    }

    void removed(const std::vector<std::string>& names) override {
        auto& out = m_dry_run ? m_context.output.result() : m_context.output.status();
        for (const auto& name : names) {
            out << fmt::format("target {}: {}removed (no longer in the configuration)\n",
                               printable(name), m_dry_run ? "would be " : "");
        }
        out.flush();
    }

private:
    const Context& m_context;
    bool m_dry_run;
    const ServiceNotifier& m_notifier;
    std::set<std::pair<std::string, std::string>> m_shown; ///< (target, warning) shown
};

int parse_buffer(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc::result_out_of_range && ptr == end && text.front() != '-') {
        throw InputError(fmt::format("--event-buffer: '{}' is too large", text),
                         fmt::format("at most {} bytes (the kernel caps it at net.core.rmem_max)",
                                     std::numeric_limits<int>::max()));
    }
    if (text.empty() || ec != std::errc{} || ptr != end || value < 1) {
        throw InputError(fmt::format("--event-buffer: '{}' is not a size in bytes", text),
                         "a positive number of bytes; the kernel raises a tiny one to its minimum");
    }
    return value;
}

void run_watch(const WatchOptions& options, const Context& context) {
    // Everything the user typed is checked before anything is touched, and before root
    // is asked for: a bad name is exit 2 as any user.
    ops::WatchRequest request;
    std::optional<int> event_buffer;
    if (options.event_buffer) {
        event_buffer = parse_buffer(*options.event_buffer);
    }
    if (options.config) {
        if (!options.target.to.empty() || options.target.name ||
            !options.target.userdata.empty() || options.target.sysdata) {
            throw InputError("--config takes the targets from the file only",
                             "put the options on the file's lines");
        }
        request = ops::make_watch_request(*options.config, context.root);
        if (!request.configuration.note.empty()) {
            context.output.note(request.configuration.note);
        }
    } else {
        request = ops::make_watch_request(ops::make_desired(options.target), context.root);
    }
    request.options.dry_run = options.dry_run;
    if (event_buffer) {
        request.options.receive_buffer = *event_buffer;
    }
    // A dry run only reads configfs (under --root too); otherwise the kernel changes.
    if (!options.dry_run) {
        request.kernel = require_kernel_admin(context, "watch");
    }
    const auto notifier = ServiceNotifier::from_environment();
    Sink sink(context, options.dry_run, notifier);
    ops::watch(request, sink);
    notifier.notify("STOPPING=1");
}

} // namespace

Command setup_watch(CLI::App& app) {
    auto options = std::make_shared<WatchOptions>();
    auto* watch = app.add_subcommand("watch", k_description);
    add_target_options(*watch, options->target);
    watch
        ->add_option_function<std::string>(
            "--name", [o = options.get()](const std::string& v) { o->target.name = v; },
            "The configfs target's name (default ncs-<remote IP>-<port>)")
        ->type_name("NAME");
    add_message_data_options(*watch, options->target);
    watch->add_flag("--dry-run", options->dry_run,
                    "Print on stdout what it would change, each time; write nothing");
    watch
        ->add_option_function<std::string>(
            "--event-buffer", [o = options.get()](const std::string& v) { o->event_buffer = v; },
            "Receive buffer of the rtnetlink event socket in bytes (default 1 MiB)")
        ->type_name("BYTES");
    watch
        ->add_option_function<std::string>(
            "--config", [o = options.get()](const std::string& v) { o->config = v; },
            "Targets of FILE, /etc/default/netconsole and /etc/sysconfig/netconsole, as "
            "apply --config; SIGHUP reads them again")
        ->type_name("FILE");
    watch->footer(k_examples);
    return {watch, [options](const Context& c) { run_watch(*options, c); }};
}

} // namespace ncs::cli
