#include "target_admin.hpp"

#include "json.hpp"
#include "kernel_admin.hpp"
#include "ops/targets.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

CLI::App* add_verb(CLI::App& app, const std::string& verb, const std::string& description,
                   const std::string& footer, TargetAdminOptions& options) {
    auto* sub = app.add_subcommand(verb, description);
    sub->footer(footer);
    sub->add_option("target", options.name, "The target's name (see 'netconsole-setup list')")
        ->type_name("NAME")
        ->required();
    return sub;
}

void report(const Context& context, const std::string& name, std::string_view state,
            bool changed) {
    if (context.global.json) {
        Json json;
        json["name"] = name;
        json["state"] = state;
        json["changed"] = changed;
        context.output.result() << dump(json);
        return;
    }
    if (changed) {
        context.output.result() << fmt::format("target {}: {}\n", printable(name), state);
    } else {
        context.output.result() << fmt::format("target {}: already {}, nothing written\n",
                                               printable(name),
                                               state);
    }
}

} // namespace

std::vector<Command> setup_target_admin(CLI::App& app) {
    auto enable = std::make_shared<TargetAdminOptions>();
    auto disable = std::make_shared<TargetAdminOptions>();
    auto remove = std::make_shared<TargetAdminOptions>();
    return {
        {add_verb(app, "enable", "Enable a configfs target (needs root)",
                  "A target that is enabled already is left as it is: nothing is written.",
                  *enable),
         [enable](const Context& c) { run_set_enabled(*enable, true, c); }},
        {add_verb(app, "disable", "Disable a configfs target (needs root)",
                  "A target that is disabled already is left as it is: nothing is written.",
                  *disable),
         [disable](const Context& c) { run_set_enabled(*disable, false, c); }},
        {add_verb(app, "remove",
                  "Disable a configfs target and remove it with its userdata (needs root)",
                  "Removing an adopted boot-time target (cmdlineN) ends it for good; a later\n"
                  "'apply --name cmdlineN' creates a fresh target.",
                  *remove),
         [remove](const Context& c) { run_remove(*remove, c); }},
    };
}

void run_set_enabled(const TargetAdminOptions& options, bool enable, const Context& context) {
    // A target that does not exist is the same error under --root and on the system
    // (reading changes nothing); only then is acting on the kernel refused or done.
    ops::require_target(context.root, options.name);
    const auto kernel = require_kernel_admin(context, enable ? "enable" : "disable");
    const auto toggle = ops::set_enabled(kernel, context.root, options.name, enable);
    report(context, options.name, enable ? "enabled" : "disabled",
           toggle == apply::Toggle::changed);
}

void run_remove(const TargetAdminOptions& options, const Context& context) {
    ops::require_target(context.root, options.name);
    const auto kernel = require_kernel_admin(context, "remove");
    ops::remove_target(kernel, context.root, options.name);
    report(context, options.name, "removed", true);
}

} // namespace ncs::cli
