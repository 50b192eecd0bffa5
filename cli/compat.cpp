#include "compat.hpp"

#include "apply.hpp"
#include "apply/apply.hpp"
#include "crash_report.hpp"
#include "grammar/netconsole_string.hpp"
#include "json.hpp"
#include "ops/probe.hpp"
#include "reconcile_run.hpp"
#include "resolve/resolver.hpp"
#include "system/configfs.hpp"
#include "target_options.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <ostream>
#include <set>

namespace ncs::cli {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

CompatTarget parse_compat_target(std::string_view word) {
    CompatTarget target;
    std::string_view host = word;
    // The optional prefix `+?[0-9]*@`; anything else before an '@' belongs to the host.
    std::size_t i = 0;
    if (i < word.size() && word[i] == '+') {
        ++i;
    }
    std::size_t digits = i;
    while (digits < word.size() && is_digit(word[digits])) {
        ++digits;
    }
    const bool has_prefix = digits < word.size() && word[digits] == '@';
    if (has_prefix) {
        target.extended = i == 1;
        if (digits > i) {
            target.port = parse_port(word.substr(i, digits - i), fmt::format("'{}'", word));
        }
        host = word.substr(digits + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) {
        throw InputError(fmt::format("'{}' names no host", word),
                         "the Debian form is [+][PORT]@HOST, e.g. +6666@192.0.2.5");
    }
    if (!has_prefix && host.front() == '+') {
        throw InputError(fmt::format("'{}' is not a host name", word),
                         fmt::format("for an extended target write '+@{}'", host.substr(1)));
    }
    if (!has_prefix && host.find_first_of(".:") == std::string_view::npos) {
        // "frobnicate" is more likely a mistyped command than a host; "@frobnicate"
        // still names a host without a dot.
        throw InputError(fmt::format("unknown command '{}'", word),
                         fmt::format("see '{} --help'", k_program));
    }
    if (host == "." || host == ".." || host.find('/') != std::string_view::npos ||
        host.size() > 255) {
        throw InputError(fmt::format("'{}' is not a host name", host),
                         "it also names the configfs target, so it cannot hold a '/'");
    }
    target.host = host;
    return target;
}

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
    reconcile::validate(desired);
    warn_if_panic_lost(context);
    const auto wanted = resolve_desired(desired, context, true);
    std::vector<Target> targets;
    for (const auto& w : wanted) {
        targets.push_back(*w.target);
    }
    prepare_kernel(kernel, context);
    SystemConfigfsFiles files(kernel);
    const auto dir = netconsole_dir(context.root);
    const auto reports =
        reconcile::apply_plan(files, dir, reconcile::plan(wanted, reconcile::read_live(files, dir)));
    const auto message = ops::send_test_message(kernel, context.root, "");

    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (std::size_t i = 0; i < reports.size(); ++i) {
            Json target;
            target["name"] = reports[i].name;
            target["outcome"] = apply::to_string(reports[i].outcome);
            target["changed"] = reports[i].outcome != apply::Outcome::unchanged;
            target["line"] = grammar::format({targets[i]});
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
            out << fmt::format("{}: already configured correctly\n", report.name);
            continue;
        }
        const auto& now = report.after; // read back: local_ip is the kernel's pick
        out << fmt::format("{}: {}: sending logs to {} port {} via MAC {} from {} on "
                           "interface '{}'\n",
                           report.name, apply::to_string(report.outcome), now.remote_ip,
                           now.remote_port, now.remote_mac, now.local_ip, now.dev_name);
    }
    out << fmt::format("test message sent: {}\n", message.marker);
}

} // namespace ncs::cli
