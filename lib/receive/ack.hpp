#pragma once
// The acknowledgment that closes the loop of `netconsole-setup test`: the
// listener answers a record carrying a well-formed test marker with one small
// datagram "netconsole-setup ack MARKER" back to the record's source (the
// target's local_ip:local_port), never larger than the record it answers.

#include "receive/record.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ncs::receive {

/// What `test` writes before the marker, after the program name.
inline constexpr std::string_view k_test_text = "netconsole-setup: test message ";
inline constexpr std::string_view k_ack_prefix = "netconsole-setup ack ";

/// Whether text is a marker `test` makes: "ncs-test[-NAME]-SECONDS-XXXXXXXX"
/// (NAME printable ASCII without spaces, at most 255 bytes).
bool is_test_marker(std::string_view text);

/// The marker of a record `test` wrote, when its text is exactly that message.
std::optional<std::string> test_marker(const Record& record);

/// The reply to record, or nullopt when it is not a test message or the reply
/// would be larger than the record.
std::optional<std::string> ack_reply(const Record& record);

/// The marker an acknowledgment datagram carries; nullopt for anything else.
std::optional<std::string> parse_ack(std::string_view datagram);

} // namespace ncs::receive
