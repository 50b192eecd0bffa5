#include "receive/ack.hpp"

#include <algorithm>

namespace ncs::receive {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

bool is_test_marker(std::string_view text) {
    constexpr std::string_view k_start = "ncs-test";
    if (!text.starts_with(k_start) || text.size() > k_start.size() + 1 + 255 + 1 + 20 + 1 + 8) {
        return false;
    }
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c <= '~'; })) {
        return false;
    }
    // ...-SECONDS-XXXXXXXX at the end.
    if (text.size() < k_start.size() + 1 + 1 + 1 + 8) {
        return false;
    }
    const auto hex = text.substr(text.size() - 8);
    if (!std::all_of(hex.begin(), hex.end(), is_hex) || text[text.size() - 9] != '-') {
        return false;
    }
    auto rest = text.substr(k_start.size(), text.size() - 9 - k_start.size());
    const auto dash = rest.rfind('-');
    if (dash == std::string_view::npos) {
        return false;
    }
    const auto seconds = rest.substr(dash + 1);
    if (seconds.empty() || seconds.size() > 20 || !std::all_of(seconds.begin(), seconds.end(), is_digit)) {
        return false;
    }
    // Either nothing before "-SECONDS", or "-NAME".
    return dash == 0 || (rest.front() == '-' && dash > 1);
}

std::optional<std::string> test_marker(const Record& record) {
    std::string_view text = record.text;
    if (!text.starts_with(k_test_text)) {
        return std::nullopt;
    }
    text.remove_prefix(k_test_text.size());
    if (!is_test_marker(text)) {
        return std::nullopt;
    }
    return std::string(text);
}

std::optional<std::string> ack_reply(const Record& record) {
    auto marker = test_marker(record);
    if (!marker) {
        return std::nullopt;
    }
    std::string reply(k_ack_prefix);
    reply += *marker;
    // No amplification: the reply is never bigger than what it answers.
    if (reply.size() > record.wire_bytes) {
        return std::nullopt;
    }
    return reply;
}

std::optional<std::string> parse_ack(std::string_view datagram) {
    if (!datagram.starts_with(k_ack_prefix)) {
        return std::nullopt;
    }
    datagram.remove_prefix(k_ack_prefix.size());
    if (!is_test_marker(datagram)) {
        return std::nullopt;
    }
    return std::string(datagram);
}

} // namespace ncs::receive
