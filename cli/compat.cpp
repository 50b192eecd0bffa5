#include "compat.hpp"

#include "grammar/netconsole_string.hpp"
#include "json.hpp"
#include "kernel_admin.hpp"
#include "ops/apply.hpp"
#include "ops/config.hpp"
#include "ops/probe.hpp"
#include "plan_render.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <ostream>
#include <set>

namespace ncs::cli {
using ops::parse_compat_target;

namespace {

/// Debian's words for what was done: per target where it sends now, then the marker of
/// the test message.
void print_reports(const ops::ApplyResult& result, const ops::TestMessage& message,
                   const Context& context) {
    const auto& reports = result.reports;
    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (std::size_t i = 0; i < reports.size(); ++i) {
            Json target;
            target["name"] = reports[i].name;
            target["outcome"] = apply::to_string(reports[i].outcome);
            target["changed"] = reports[i].outcome != apply::Outcome::unchanged;
            target["line"] = grammar::format({*result.plan->targets[i].target});
            json["targets"].push_back(std::move(target));
        }
        json["test_marker"] = message.marker;
        json["test_level"] = message.level;
        context.output.result() << dump(json);
        return;
    }
    auto& out = context.output.result();
    for (const auto& report : reports) {
        if (report.outcome == apply::Outcome::unchanged) {
            out << fmt::format("{}: already configured correctly\n", printable(report.name));
            continue;
        }
        const auto& now = report.after; // read back: local_ip is the kernel's pick
        out << fmt::format("{}: {}: sending logs to {} port {} via MAC {} from {} on "
                           "interface '{}'\n",
                           printable(report.name), apply::to_string(report.outcome),
                           now.remote_ip, now.remote_port, now.remote_mac, now.local_ip,
                           printable(now.dev_name));
    }
    out << fmt::format("test message sent: {}\n", message.marker);
}

} // namespace

Command setup_compat(CLI::App& app, Command fallback,
                     std::function<std::string()> target_option_given) {
    auto words = std::make_shared<std::vector<std::string>>();
    app.add_option("[+][PORT]@HOST", *words,
                   "Debian netconsole-setup 0.3 form: a configfs target per HOST, then a "
                   "test message")
        ->type_name("");
    auto* root = &app;
    app.parse_complete_callback([root, words, target_option_given]() {
        if (words->empty()) {
            return;
        }
        // A word after a subcommand that takes no more positionals falls through to here.
        for (const auto* sub : root->get_subcommands()) {
            throw InputError(fmt::format("unexpected argument '{}'", words->front()),
                             fmt::format("see '{} {} --help'", k_program, sub->get_name()));
        }
        for (const auto& word : *words) {
            parse_compat_target(word);
        }
        if (const auto option = target_option_given(); !option.empty()) {
            throw InputError(
                fmt::format("{} cannot be combined with the Debian form '{}'", option,
                            words->front()),
                fmt::format("use '{} apply --to HOST ...' or only [+][PORT]@HOST", k_program));
        }
    });
    return {&app, [words, fallback](const Context& context) {
                if (words->empty()) {
                    fallback.run(context);
                } else {
                    run_compat(*words, context);
                }
            }};
}

void run_compat(const std::vector<std::string>& words, const Context& context) {
    // Everything typed is checked, and every host resolved, before anything is touched.
    std::vector<TargetRequest> requests;
    std::set<std::string> names;
    for (const auto& word : words) {
        const auto parsed = parse_compat_target(word);
        if (!names.insert(parsed.host).second) {
            throw InputError(fmt::format("host '{}' is given twice", parsed.host),
                             "each HOST is one target, named after it");
        }
        TargetRequest request;
        request.to = parsed.host;
        request.extended = parsed.extended;
        if (parsed.port) {
            request.remote_port = *parsed.port;
        }
        requests.push_back(std::move(request));
    }
    // The hint repeats the words as typed: the form has no subcommand to name.
    const auto kernel = require_kernel_admin(context, "the [+][PORT]@HOST form",
                                             fmt::format("{}", fmt::join(words, " ")));
    std::vector<reconcile::DesiredTarget> desired;
    for (const auto& request : requests) {
        reconcile::DesiredTarget d;
        d.where = "command line";
        d.request = request;
        d.name = request.to; // Debian names the target after the host as typed
        desired.push_back(std::move(d));
    }
    auto request = ops::make_apply_request(std::move(desired), std::nullopt, context.root,
                                           ops::NameEach::always);
    request.kernel = kernel;
    const auto result = ops::apply(request);
    report_progress(result, context);
    const auto message = ops::send_test_message(kernel, context.root, "");

    print_reports(result, message, context);
}

} // namespace ncs::cli
