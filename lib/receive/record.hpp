#pragma once
// The two formats netconsole sends (shared/reference/kernel-netconsole.md §4):
// plain console text, and extended records
//   [release,]prefix,seq,ts_usec,flag[,caller=..][,ncfrag=off/total];text\n[ key=value\n]...
// Pure parsing, no I/O.

#include "receive/sender.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ncs::receive {

/// The largest body (text + dictionary + userdata + sysdata) accepted in one
/// record: printk's 8 KiB, 256 userdata entries of up to 53+1+199+2 bytes, sysdata.
inline constexpr std::size_t k_max_record_body = 8192 + 256 * 256 + 1024;

/// `,ncfrag=<offset>/<total>`: where this datagram's body sits in the record's body.
struct Fragment {
    std::size_t offset = 0;
    std::size_t total = 0;
    bool operator==(const Fragment&) const = default;
};

/// An extended datagram split into its header fields and its (piece of) body.
struct ExtendedDatagram {
    std::string_view release;   ///< empty without the release prefix (6.6+ `r`)
    unsigned prefix = 0;        ///< facility * 8 + level
    std::uint64_t seq = 0;
    std::uint64_t ts_usec = 0;
    bool cont = false;          ///< flag 'c'
    bool continues = false;     ///< flag '+' (4.4-4.8): continues the sender's last 'c' record
    std::string_view caller;    ///< CONFIG_PRINTK_CALLER: "T123" or "C1", else empty
    std::optional<Fragment> fragment;
    /// The header without ",ncfrag=...": equal in every fragment of one record.
    std::string_view identity;
    std::string_view body;
};

/// Parses one datagram as an extended record; nullopt when it is not one (plain
/// text, or a malformed header). A trailing NUL is dropped (kernels before the
/// 2026 rework could put one in a 1000-byte datagram).
std::optional<ExtendedDatagram> parse_extended(std::string_view datagram);

enum class Format { plain, extended };

/// One log record as received, reassembled.
struct Record {
    SenderKey sender;
    Format format = Format::plain;
    std::string release;
    int level = -1;    ///< 0-7; -1 when unknown (plain text)
    int facility = -1; ///< -1 when unknown
    std::optional<std::uint64_t> seq;
    std::optional<std::uint64_t> ts_usec; ///< extended, or plain "[ s.us]" prefix
    bool cont = false;
    bool continues = false; ///< flag '+': a piece of the record before it (LOG_CONT)
    std::size_t merged = 0; ///< '+' records merged into this one (Receiver)
    std::string caller;
    std::string text; ///< without the trailing newline, as the kernel escaped it
    std::vector<std::pair<std::string, std::string>> fields; ///< dictionary lines, in order
    bool incomplete = false;       ///< fragments were still missing at the timeout
    bool cut = false;              ///< a plain line too long: it goes on in the next record
    std::uint64_t lost_before = 0; ///< sequence numbers skipped just before this one
    /// With sysdata msgid: printk records skipped just before this one that netconsole
    /// never sent (below the console level, or overwritten in printk's ring before
    /// the console got to them); lost_before then counts only what netconsole sent
    /// or dropped (msgid gaps).
    std::uint64_t unsent_before = 0;
    std::size_t wire_bytes = 0;    ///< datagram bytes that made this record
};

/// Fills record.text and record.fields from a whole extended body.
void parse_body(std::string_view body, Record& record);

/// A plain console line: takes a leading "[    1.234567] " printk timestamp into
/// record.ts_usec and the rest into record.text.
void parse_plain_line(std::string_view line, Record& record);

/// "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"; "-" for -1.
std::string_view level_name(int level);

/// Builds the datagrams the kernel would send for an extended record (header
/// without ';', body after it), fragmenting to max_datagram bytes as
/// drivers/net/netconsole.c does. For the load generator and the tests.
std::vector<std::string> kernel_datagrams(std::string_view header, std::string_view body,
                                          std::size_t max_datagram = 1000);

} // namespace ncs::receive
