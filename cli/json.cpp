#include "json.hpp"

namespace ncs::cli {

Json target_json(const Target& target, std::string_view source,
                 std::span<const grammar::Field> defaulted) {
    Json json;
    json["extended"] = target.extended;
    json["release"] = target.release;
    json["local_port"] = target.local_port;
    // The kernel picks the device's address when the local IP is absent or all-zero.
    if (target.local_ip && !target.local_ip->is_unspecified()) {
        json["local_ip"] = target.local_ip->to_string();
    } else {
        json["local_ip"] = nullptr;
    }
    if (const auto* name = target.device_name()) {
        json["dev_name"] = *name;
    } else {
        json["dev_name"] = nullptr;
    }
    if (const auto* mac = target.device_mac()) {
        json["local_mac"] = mac->to_string();
    } else {
        json["local_mac"] = nullptr;
    }
    json["remote_port"] = target.remote_port;
    json["remote_ip"] = target.remote_ip.to_string();
    json["remote_mac"] = target.remote_mac.to_string();
    json["source"] = source;
    auto defaults = Json::array();
    for (const auto field : defaulted) {
        defaults.push_back(grammar::to_string(field));
    }
    json["defaults"] = std::move(defaults);
    return json;
}

Json warning_json(const Warning& warning, std::optional<std::size_t> target) {
    Json json;
    json["target"] = target ? Json(*target) : Json(nullptr);
    json["message"] = warning.message;
    json["hint"] = warning.hint.empty() ? Json(nullptr) : Json(warning.hint);
    return json;
}

Json step_json(const Step& step, std::size_t target) {
    Json json;
    json["target"] = target;
    json["text"] = step.text;
    json["elapsed_us"] = step.elapsed.count();
    return json;
}

std::string dump(const Json& json) {
    return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace ncs::cli
