#pragma once
// A netconsole record as an RFC 5424 syslog message, and the frames that carry it
// (RFC 6587 octet counting over TCP and TLS, one message per datagram over UDP).
// Pure: the receive time and the names are passed in.
//
// The mapping (man page, listen --forward): no SD-ID of our own, since RFC 5424
// §7.2.2 allows a private `name@PEN` only with an IANA enterprise number this
// project does not have. So:
//   PRI        facility (kernel's, 0 when unknown) * 8 + level (6, info, when unknown)
//   TIMESTAMP  when the doctor received the record (UTC, microseconds)
//   HOSTNAME   the patient's address (the datagram's source)
//   APP-NAME   "kernel"   PROCID "-"   MSGID "netconsole"
//   [origin ip="<patient>" software="Linux" swVersion="<release>"]   (RFC 5424 §7.2)
//   [meta sysUpTime="<ts_usec / 10000>"]   (hundredths of a second since boot, §7.3.2)
//   MSG        the record's text, then netconsole's own dictionary lines unchanged
//              (" key=value": SUBSYSTEM/DEVICE, userdata, sysdata cpu/taskname/
//              release/msgid), then what the doctor knows, as " netconsole.KEY=VALUE"
//              lines: seq, ts_usec, level, source_port, target_port (the doctor's
//              port: which target), lost_before, unsent_before, incomplete, cut,
//              cont, merged.

#include "receive/record.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace ncs::forward {

/// RFC 5425 §4.3.1 asks every receiver to take 2048 octets and recommends 8192,
/// rsyslog's default maxMessageSize: longer messages are cut to this.
inline constexpr std::size_t k_default_max_message = 8192;

struct MessageOptions {
    std::size_t max_bytes = k_default_max_message; ///< the whole message, header to MSG
};

struct FormattedMessage {
    std::string text;
    bool truncated = false; ///< MSG cut at max_bytes (on a UTF-8 character boundary)
};

/// Escapes a PARAM-VALUE: '"', '\' and ']' get a backslash (RFC 5424 §6.3.3).
std::string escape_param_value(std::string_view value);

/// Whether text is valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// RFC 3339 with microseconds in UTC: "2026-12-05T15:04:05.123456Z".
std::string rfc3339(std::chrono::system_clock::time_point time);

/// The RFC 5424 message for one record received at `received`. MSG starts with
/// a UTF-8 BOM when it holds non-ASCII UTF-8; not when it is ASCII (no encoding to
/// announce) or not valid UTF-8 (MSG-ANY, as the kernel's userdata can be).
FormattedMessage format_message(const receive::Record& record,
                                std::chrono::system_clock::time_point received,
                                const MessageOptions& options = {});

/// RFC 6587 §3.4.1 octet counting: "<length> <message>".
std::string octet_counted(std::string_view message);

} // namespace ncs::forward
