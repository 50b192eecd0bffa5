#include "json.hpp"

#include "context.hpp"
#include "options.hpp"

#include <fmt/format.h>

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

Json warning_json(const Warning& warning, std::optional<std::size_t> target) {
    Json json;
    json["target"] = target ? Json(*target) : Json(nullptr);
    json["message"] = in_flags(warning.message);
    const auto hint = hint_of(warning);
    json["hint"] = hint.empty() ? Json(nullptr) : Json(hint);
    return json;
}

Json step_json(const Step& step, std::size_t target) {
    Json json;
    json["target"] = target;
    json["text"] = in_flags(step.text);
    json["elapsed_us"] = step.elapsed.count();
    return json;
}

namespace {

/// Rewrites the code points printable() would escape as JSON \u escapes. text is
/// valid UTF-8 (dumped with replace), and outside strings JSON is ASCII, so every
/// such sequence is inside a string.
std::string escape_unprintable(std::string text) {
    std::string out;
    std::size_t copied = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
        if (length == 1 || i + length > text.size()) {
            i += length;
            continue;
        }
        char32_t code = lead & (length == 2 ? 0x1fU : length == 3 ? 0x0fU : 0x07U);
        for (std::size_t k = 1; k < length; ++k) {
            code = (code << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3fU);
        }
        if (!is_printable_code_point(code) && code <= 0xffff) {
            out.append(text, copied, i - copied);
            out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(code));
            copied = i + length;
        }
        i += length;
    }
    if (copied == 0) {
        return text;
    }
    out.append(text, copied);
    return out;
}

} // namespace

std::string dump(const Json& json) {
    return escape_unprintable(json.dump(2, ' ', false, Json::error_handler_t::replace)) + "\n";
}

std::string dump_line(const Json& json) {
    return escape_unprintable(json.dump(-1, ' ', false, Json::error_handler_t::replace));
}

} // namespace ncs::cli
