#include "loglevel.hpp"

#include "json.hpp"
#include "level_option.hpp"
#include "ops/printk_levels.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Show the kernel's console log levels, or set the console level (as dmesg -n)";

constexpr const char* k_examples = R"(Examples:
  # the four values of /proc/sys/kernel/printk and what they mean
  netconsole-setup loglevel
  # send every message, debug included, to the consoles and netconsole
  netconsole-setup loglevel 8

A message reaches the consoles, netconsole among them, when its level is
below the console log level: 8 sends everything, 7 hides debug, 5 and below
hide warnings too.)";

std::string passes(int console_loglevel) {
    if (console_loglevel <= 0) {
        return "no message reaches the consoles";
    }
    const int highest = std::min(console_loglevel - 1, 7);
    return fmt::format("levels 0-{} (emerg..{}) reach the consoles and netconsole", highest,
                       loglevel_name(highest));
}

void print_levels(const ops::PrintkReport& report, std::optional<int> previous,
                  const Context& context) {
    const auto& levels = report.levels;
    const auto& warnings = report.warnings;
    if (context.global.json) {
        Json json;
        json["console_loglevel"] = levels.console_loglevel;
        json["default_message_loglevel"] = levels.default_message_loglevel;
        json["minimum_console_loglevel"] = levels.minimum_console_loglevel;
        json["default_console_loglevel"] = levels.default_console_loglevel;
        if (previous) {
            json["previous_console_loglevel"] = *previous;
        }
        json["warnings"] = Json::array();
        for (const auto& warning : warnings) {
            json["warnings"].push_back(warning_json(warning, std::nullopt));
        }
        context.output.result() << dump(json);
        return;
    }
    for (const auto& warning : warnings) {
        context.output.warning(warning);
    }
    auto& out = context.output.result();
    if (previous) {
        out << fmt::format("console log level set: {} -> {}\n", *previous,
                           levels.console_loglevel);
    }
    out << fmt::format("console_loglevel          {}  {}\n", levels.console_loglevel,
                       passes(levels.console_loglevel));
    out << fmt::format("default_message_loglevel  {}  a message without a level is {} ({})\n",
                       levels.default_message_loglevel,
                       loglevel_name(levels.default_message_loglevel),
                       levels.default_message_loglevel);
    out << fmt::format("minimum_console_loglevel  {}  the console level cannot be set lower\n",
                       levels.minimum_console_loglevel);
    out << fmt::format("default_console_loglevel  {}  the console level at boot\n",
                       levels.default_console_loglevel);
}

} // namespace

Command setup_loglevel(CLI::App& app) {
    auto options = std::make_shared<LoglevelOptions>();
    auto* loglevel = app.add_subcommand("loglevel", k_description);
    loglevel
        ->add_option_function<std::string>(
            "N", [options](const std::string& given) { options->level = given; },
            "New console log level, 1-8 (messages below it are sent)")
        ->type_name("N");
    loglevel->footer(k_examples);
    return {loglevel, [options](const Context& c) { run_loglevel(*options, c); }};
}

void run_loglevel(const LoglevelOptions& options, const Context& context) {
    if (!options.level) {
        print_levels(ops::read_printk_report(context.root), std::nullopt, context);
        return;
    }
    const int level = parse_level_option(*options.level, "");
    const auto change =
        ops::set_console_level(context.root.live_kernel("'loglevel N'"), context.root, level);
    if (change.raised()) {
        // syslog(2) raises a level below minimum_console_loglevel to that minimum.
        context.output.warning({fmt::format("the kernel set the console log level to {}, not {}",
                                            change.after.levels.console_loglevel, level),
                                fmt::format("minimum_console_loglevel is {}",
                                            change.after.levels.minimum_console_loglevel)});
    }
    print_levels(change.after, change.before.console_loglevel, context);
}

} // namespace ncs::cli
