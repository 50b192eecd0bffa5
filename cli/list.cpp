#include "list.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description = "List the netconsole targets in configfs";

/// Shown as the system path, also under --root (as explain shows /proc/cmdline).
constexpr const char* k_shown_dir = "/sys/kernel/config/netconsole";

constexpr const char* k_boot_note =
    "note: boot-time targets (netconsole= on the kernel command line or at module load) are "
    "named cmdline0, cmdline1, ... and stay invisible here until adopted (Linux 6.7+): "
    "netconsole-setup apply --name cmdline0 --to ...";

} // namespace

Json configfs_target_json(const ConfigfsTarget& target) {
    Json json;
    json["name"] = target.name;
    json["enabled"] = target.enabled;
    json["extended"] = target.extended;
    json["release"] = target.release ? Json(*target.release) : Json(nullptr);
    json["local_port"] = target.local_port;
    json["local_ip"] =
        target.local_ip.is_unspecified() ? Json(nullptr) : Json(target.local_ip.to_string());
    json["dev_name"] = target.dev_name;
    json["local_mac"] = target.local_mac.to_string();
    json["remote_port"] = target.remote_port;
    json["remote_ip"] = target.remote_ip.to_string();
    json["remote_mac"] = target.remote_mac.to_string();
    json["transmit_errors"] =
        target.transmit_errors ? Json(*target.transmit_errors) : Json(nullptr);
    if (target.features.userdata) {
        Json userdata = Json::object();
        for (const auto& entry : target.userdata) {
            userdata[entry.key] = entry.value;
        }
        json["userdata"] = std::move(userdata);
    } else {
        json["userdata"] = nullptr;
    }
    Json sysdata = Json::object();
    for (const auto& s : k_sysdata_switches) {
        if (target.features.*s.feature) {
            auto key = std::string(s.file);
            key.erase(key.rfind("_enabled"));
            sysdata[key] = target.sysdata.*s.value;
        }
    }
    json["sysdata"] = sysdata.empty() ? Json(nullptr) : std::move(sysdata);
    return json;
}

Command setup_list(CLI::App& app) {
    auto options = std::make_shared<ListOptions>();
    auto* list = app.add_subcommand("list", k_description);
    list->footer("Boot-time targets (cmdline0, ...) are listed only once adopted with\n"
                 "'netconsole-setup apply --name cmdline0 --to ...' (Linux 6.7+).");
    return {list, [options](const Context& c) { run_list(*options, c); }};
}

void run_list(const ListOptions& /*options*/, const Context& context) {
    const SystemConfigfsFiles files(context.root);
    const auto dir = netconsole_dir(context.root);
    const bool present = files.is_directory(dir);
    std::vector<ConfigfsTarget> targets;
    if (present) {
        for (const auto& name : list_targets(files, dir)) {
            targets.push_back(read_target(files, dir, name));
        }
    }

    if (context.global.json) {
        Json json;
        json["configfs"] = k_shown_dir;
        json["present"] = present;
        json["targets"] = Json::array();
        for (const auto& target : targets) {
            json["targets"].push_back(configfs_target_json(target));
        }
        json["note"] = k_boot_note + 6; // without "note: "
        context.output.result() << dump(json);
        return;
    }

    auto& out = context.output.result();
    if (!present) {
        out << fmt::format("no netconsole targets: {} does not exist (netconsole not loaded, "
                           "or configfs not mounted)\n",
                           k_shown_dir);
    } else if (targets.empty()) {
        out << fmt::format("no netconsole targets in {}\n", k_shown_dir);
    }
    for (const auto& target : targets) {
        out << fmt::format("{} ({})\n", target.name, target.enabled ? "enabled" : "disabled");
        for (const auto& attribute : target.attributes) {
            out << fmt::format("  {:<27} {}\n", attribute.name, attribute.text);
        }
    }
    out << k_boot_note << '\n';
}

} // namespace ncs::cli
