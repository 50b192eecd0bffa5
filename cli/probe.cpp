#include "probe.hpp"

#include "json.hpp"
#include "model/duration.hpp"
#include "ops/probe.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Send a uniquely marked kernel message to check that netconsole delivers";

constexpr const char* k_examples = R"(Examples:
  # look for the printed marker in the doctor's log
  netconsole-setup test
  # the same, after checking that target 'doctor' exists and is enabled
  netconsole-setup test doctor
  # fail unless a doctor running 'netconsole-setup listen' acknowledges it
  netconsole-setup test doctor --ack --timeout 2s

The acknowledgment comes back to the target's local_ip and local_port. Without
--ack, test waits half a second for one and says whether it came.)";

constexpr auto k_default_ack_timeout = std::chrono::milliseconds(5000);

/// "198.51.100.2" or "198.51.100.2, 2001:db8::2": the doctors an acknowledgment may come from.
std::string doctors_text(const std::vector<IpAddress>& doctors) {
    std::vector<std::string> texts;
    for (const auto& doctor : doctors) {
        if (std::find(texts.begin(), texts.end(), doctor.to_string()) == texts.end()) {
            texts.push_back(doctor.to_string());
        }
    }
    return fmt::format("{}", fmt::join(texts, ", "));
}

/// What `test` says before and as the message goes out.
class CliProbeSink : public ops::ProbeSink {
public:
    explicit CliProbeSink(const Context& context, bool ack) : m_context(context), m_ack(ack) {}

    void ready(const ops::ProbeReady& ready) override {
        for (const auto& why : ready.unable) {
            m_context.output.warning(why);
        }
        if (!ready.waiting && ready.unable.empty()) {
            m_context.output.note("not waiting for an acknowledgment: configfs shows no enabled "
                                  "target (where it would come back to)");
        }
        if (ready.console_loglevel <= 1) {
            m_context.output.warning(
                {fmt::format("console log level {} lets {} through", ready.console_loglevel,
                             ready.console_loglevel == 1 ? "only emergencies (level 0)"
                                                         : "no message"),
                 "'netconsole-setup loglevel 8' lets every message through"});
        }
    }
    void sent(const ops::TestMessage& message) override {
        if (!m_ack && !m_context.global.json) {
            // The marker first, so it is there to look for while we wait.
            m_context.output.result() << message.marker << '\n' << std::flush;
        }
    }

private:
    const Context& m_context;
    bool m_ack;
};

/// The advice for a probe that cannot go on, in the CLI's words.
OperationError phrased(const ops::ProbeError& error, const ops::ProbeRequest& request) {
    switch (error.kind()) {
    case ops::ProbeError::Kind::target_disabled:
        return OperationError(error.text(), fmt::format("'{} enable {}' enables it", k_program,
                                                        request.target.value_or("")));
    case ops::ProbeError::Kind::no_enabled_target:
        return OperationError(error.text(), "'netconsole-setup status' lists the targets");
    }
    return OperationError(error.text());
}

/// Fails a required wait that got no acknowledgment.
void require_ack(const ops::ProbeResult& result, const std::string& stranger_text) {
    if (result.ack) {
        return;
    }
    const auto& marker = result.message.marker;
    if (result.stranger) {
        throw OperationError(
            fmt::format("no acknowledgment of test message {} from the doctor within {} ms: {}",
                        marker, result.waited.count(), stranger_text),
            "a host that saw the message sent it back; is the target's remote_ip the doctor?");
    }
    throw OperationError(
        fmt::format("no acknowledgment of test message {} within {} ms", marker,
                    result.waited.count()),
        "check the console log level ('netconsole-setup status'), a firewall on either side, "
        "and that the doctor runs 'netconsole-setup listen' (a plain receiver never answers)");
}

void print_result(const ops::ProbeResult& result, const TestOptions& options,
                  const Context& context) {
    const auto& ack = result.ack;
    if (context.global.json) {
        Json json;
        json["marker"] = result.message.marker;
        json["level"] = result.message.level;
        json["target"] = options.name ? Json(*options.name) : Json(nullptr);
        json["acknowledged_by"] = ack ? Json(ack->sender) : Json(nullptr);
        json["ack_ms"] = ack ? Json(ack->elapsed.count()) : Json(nullptr);
        context.output.result() << dump(json);
    } else if (options.ack) {
        context.output.result() << fmt::format("test message {} acknowledged by {} in {:.1f} ms\n",
                                               result.message.marker, ack->sender,
                                               ack->elapsed.count());
    } else if (ack) {
        context.output.note(fmt::format("acknowledged by {} in {:.1f} ms", ack->sender,
                                        ack->elapsed.count()));
    } else if (result.waiting && !result.stranger) {
        context.output.note(fmt::format(
            "no acknowledgment within {} ms (a doctor running 'netconsole-setup listen' answers; "
            "'test --ack' waits longer and fails without one)",
            result.waited.count()));
    }
}

} // namespace

Command setup_test(CLI::App& app) {
    auto options = std::make_shared<TestOptions>();
    auto* test = app.add_subcommand("test", k_description);
    test->add_option_function<std::string>(
            "NAME", [options](const std::string& given) { options->name = given; },
            "A configfs target that must exist and be enabled")
        ->type_name("NAME");
    test->add_flag("--ack", options->ack,
                   "Wait for the acknowledgment of a 'netconsole-setup listen' doctor; exit 1 without");
    test->add_option("--timeout", options->timeout, "How long --ack waits: 2, 1.5s, 500ms (default 5s)")
        ->type_name("DURATION");
    test->footer(k_examples);
    return {test, [options](const Context& c) { run_test(*options, c); }};
}

void run_test(const TestOptions& options, const Context& context) {
    if (options.timeout && !options.ack) {
        throw InputError("--timeout is how long --ack waits", "add --ack");
    }
    ops::ProbeRequest request;
    request.target = options.name;
    request.wait = options.ack ? ops::AckWait::required : ops::AckWait::brief;
    request.timeout = options.timeout ? parse_duration(*options.timeout) : k_default_ack_timeout;
    CliProbeSink sink(context, options.ack);
    ops::ProbeResult result;
    try {
        const ops::Probe probe(context.root, request);
        const auto kernel = context.root.live_kernel("'test'");
        result = probe.run(kernel, sink);
    } catch (const ops::ProbeError& e) {
        throw phrased(e, request);
    }
    const auto stranger_text =
        result.stranger ? fmt::format("{} answered with the marker, but is not the doctor of a "
                                      "target ({})",
                                      *result.stranger, doctors_text(result.doctors))
                        : std::string();
    if (options.ack) {
        require_ack(result, stranger_text);
    } else if (!result.ack && result.stranger) {
        context.output.warning({stranger_text, {}});
    }
    print_result(result, options, context);
}

} // namespace ncs::cli
