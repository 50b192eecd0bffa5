#include "print.hpp"

#include "grammar/netconsole_string.hpp"
#include "json.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description = "Print the netconsole= value for the kernel command line";

constexpr const char* k_examples = R"(Examples:
  # look up the route, the source address and the next hop's MAC
  netconsole-setup --to 192.0.2.5
  # every field given: nothing is looked up
  netconsole-setup --to 192.0.2.5 --dev eth0 --src 192.0.2.10 --mac 52:54:00:12:34:56
  # IPv6, sent as link-layer broadcast (doctor on the same link)
  netconsole-setup print --to 2001:db8::5 --dev eth0 --src 2001:db8::10 --broadcast
  # two doctors, extended format with the kernel release, remote port 514
  netconsole-setup --to 192.0.2.5 --to 192.0.2.6 --dev eth0 --src 192.0.2.10 \
      --mac 52:54:00:12:34:56 --extended --release --port 514)";

/// "target 2 (192.0.2.6)" when there are several targets, else "".
} // namespace

PrintCommands setup_print(CLI::App& app) {
    auto options = std::make_shared<PrintOptions>();
    auto* print = app.add_subcommand("print", k_description);
    add_target_options(*print, options->target);
    print->footer(k_examples);

    // The same options on the app itself make print the default action.
    auto defaults = std::make_shared<PrintOptions>();
    auto given = add_target_options(app, defaults->target);

    PrintCommands commands;
    commands.subcommand = {print, [options](const Context& c) { run_print(*options, c); }};
    commands.default_action = {&app, [defaults](const Context& c) { run_print(*defaults, c); }};
    commands.default_option_given = [given]() -> std::string {
        for (const auto* option : given) {
            if (option->count() > 0) {
                return option->get_name();
            }
        }
        return {};
    };
    return commands;
}

void run_print(const PrintOptions& options, const Context& context) {
    const auto requests = make_requests(options.target);
    const auto resolutions = resolve_every(requests, context);

    std::vector<Target> targets;
    for (const auto& resolution : resolutions) {
        targets.push_back(resolution.target);
    }
    const auto line = "netconsole=" + grammar::format(targets);

    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        json["line"] = line;
        json["steps"] = Json::array();
        json["warnings"] = Json::array();
        for (std::size_t i = 0; i < resolutions.size(); ++i) {
            // Formatting writes every field, so no target takes a kernel default.
            json["targets"].push_back(target_json(resolutions[i].target, "argument", {}));
            for (const auto& step : resolutions[i].steps) {
                json["steps"].push_back(step_json(step, i));
            }
            for (const auto& warning : resolutions[i].warnings) {
                json["warnings"].push_back(warning_json(warning, i));
            }
        }
        context.output.result() << dump(json);
        return;
    }

    for (std::size_t i = 0; i < resolutions.size(); ++i) {
        context.output.resolution(resolutions[i], request_label(requests, i));
    }
    context.output.result() << line << '\n';
}

} // namespace ncs::cli
