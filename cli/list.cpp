#include "list.hpp"

#include "json.hpp"
#include "ops/inspect.hpp"
#include "target_words.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description = "List the netconsole targets in configfs";

std::string boot_note() {
    return fmt::format(
        "boot-time targets (netconsole= on the kernel command line or at module load) are "
        "named cmdline0, cmdline1, ... and stay invisible here until adopted (Linux {}+): "
        "netconsole-setup apply --name cmdline0 --to ...",
        to_string(added_in::cmdline_adoption));
}

void print_json(const ops::TargetsInspection& inspection, std::ostream& out) {
    Json json;
    json["configfs"] = ops::k_configfs_dir;
    json["present"] = inspection.present;
    json["targets"] = Json::array();
    for (const auto& part : inspection.targets) {
        auto target_json = configfs_target_json(*part.target);
        add_condition_json(target_json, *part.target, part.report, inspection.kernel);
        json["targets"].push_back(std::move(target_json));
    }
    json["note"] = boot_note();
    out << dump(json);
}

void print_text(const ops::TargetsInspection& inspection, std::ostream& out) {
    if (!inspection.present) {
        out << fmt::format("no netconsole targets: {} does not exist (netconsole not loaded, "
                           "or configfs not mounted)\n",
                           ops::k_configfs_dir);
    } else if (inspection.targets.empty()) {
        out << fmt::format("no netconsole targets in {}\n", ops::k_configfs_dir);
    }
    for (const auto& part : inspection.targets) {
        const auto& target = *part.target;
        out << fmt::format("{} ({})\n", printable(target.name),
                           target.enabled ? "enabled" : "disabled");
        if (const auto reason = condition_text(target, part.report, inspection.kernel);
            !reason.empty()) {
            out << fmt::format("  {}\n", printable(reason));
        }
        for (const auto& attribute : target.attributes) {
            out << fmt::format("  {:<27} {}\n", printable(attribute.name),
                               printable(attribute.text));
        }
    }
    out << "note: " << boot_note() << '\n';
}

} // namespace

Command setup_list(CLI::App& app) {
    auto options = std::make_shared<ListOptions>();
    auto* list = app.add_subcommand("list", k_description);
    list->footer(fmt::format("Boot-time targets (cmdline0, ...) are listed only once adopted "
                             "with\n'netconsole-setup apply --name cmdline0 --to ...' (Linux "
                             "{}+).",
                             to_string(added_in::cmdline_adoption)));
    return {list, [options](const Context& c) { run_list(*options, c); }};
}

void run_list(const ListOptions& /*options*/, const Context& context) {
    // list shows no crash verdicts: the host's crash settings are status's to read.
    const auto inspection = ops::inspect_targets(context.root, {}, ops::Unreadable::fail);
    if (context.global.json) {
        print_json(inspection, context.output.result());
    } else {
        print_text(inspection, context.output.result());
    }
}

} // namespace ncs::cli
