#pragma once
// How `listen` writes a record: one text line, one JSON object, one journal
// entry; and its summary. Pure, so the unit tests pin the shapes.

#include "json.hpp"
#include "ops/listen.hpp"
#include "receive/receiver.hpp"
#include "receive/record.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::cli {

/// "SENDER@PORT": the sender's address and the doctor's port it sent to (a stream).
std::string stream_name(const receive::SenderKey& stream);

/// "SENDER@PORT [seconds.micros] LEVEL text\n" (the parts a plain record lacks left
/// out; text through printable() in the kernel's \xNN style), preceded by
/// "SENDER@PORT -- N records lost --\n" when some were lost just before.
void append_text_line(std::string& out, const receive::Record& record);

/// {"sender","port","local_address","local_port","release","level","facility","seq",
///  "ts_usec","cont","text","fields","received","lost_before","unsent_before",
///  "incomplete","cut"}.
Json record_json(const receive::Record& record, std::chrono::system_clock::time_point received);


/// The journal entry: MESSAGE, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER=netconsole,
/// NETCONSOLE_SENDER/PORT/SEQ/TS_USEC/RELEASE, and NETCONSOLE_<KEY> per field.
std::vector<std::string> journal_fields(const receive::Record& record);

/// Counts `listen` adds to the receiver's own (lib/ops).
using ops::ListenCounts;

/// "received N records from S senders, L lost", ", U never sent by netconsole" with
/// msgid, ", W unwritten" when a sink (--output, --journal) could not take some, and
/// ", D datagrams dropped by the socket (receive buffer full)" when the kernel did.
std::string summary_line(const receive::ReceiverStats& stats, const ListenCounts& counts = {});

/// Streams listed in the text summary at most (--json lists them all).
inline constexpr std::size_t k_stream_lines = 20;

/// "  SENDER@PORT (port SOURCE): N records, L lost[, U never sent (msgid)]" for the
/// streams with losses, most lost first, at most k_stream_lines.
std::vector<std::string> stream_lines(std::vector<receive::StreamStats> streams);
/// "forwarded to URL: S sent, D dropped[, Q still queued ...]".
std::string forward_line(const ops::ForwardSummary& forward);
/// One stream's counts as an object.
Json stream_json(const receive::StreamStats& stream);
/// One forward target's counts as an object.
Json forward_json(const ops::ForwardSummary& forward);
/// The same counts and the rest, as an object.
Json summary_json(const receive::ReceiverStats& stats, const ListenCounts& counts);

} // namespace ncs::cli
