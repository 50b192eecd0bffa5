#include "listen_format.hpp"

#include "context.hpp"
#include "forward/syslog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace ncs::cli {
namespace {

std::string journal_name(std::string_view key) {
    std::string name = "NETCONSOLE_";
    for (const char c : key) {
        if (name.size() >= 64) {
            break;
        }
        if (c >= 'a' && c <= 'z') {
            name += static_cast<char>(c - 'a' + 'A');
        } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            name += c;
        } else {
            name += '_';
        }
    }
    return name;
}

} // namespace

std::string stream_name(const receive::SenderKey& stream) {
    return fmt::format("{}@{}", stream.address_text(), stream.local_port);
}

void append_text_line(std::string& out, const receive::Record& record) {
    const auto sender = stream_name(record.sender);
    if (record.lost_before > 0) {
        fmt::format_to(std::back_inserter(out), "{} -- {} record{} lost --\n", sender,
                       record.lost_before, record.lost_before == 1 ? "" : "s");
    }
    out += sender;
    if (record.ts_usec) {
        fmt::format_to(std::back_inserter(out), " [{:5}.{:06}]", *record.ts_usec / 1'000'000,
                       *record.ts_usec % 1'000'000);
    }
    if (record.level >= 0) {
        out += ' ';
        out += receive::level_name(record.level);
    }
    out += ' ';
    out += printable(record.text, Escapes::kernel);
    if (record.incomplete) {
        out += " [incomplete]";
    }
    if (record.cut) {
        out += " [cut]";
    }
    out += '\n';
}

Json record_json(const receive::Record& record, std::chrono::system_clock::time_point received) {
    auto optional = [](const auto& value) { return value ? Json(*value) : Json(nullptr); };
    Json json;
    json["sender"] = record.sender.address_text();
    json["port"] = record.sender.port;
    json["local_address"] =
        record.sender.local_ip().is_unspecified() ? Json(nullptr)
                                                  : Json(record.sender.local_ip().to_string());
    json["local_port"] = record.sender.local_port;
    json["release"] = record.release.empty() ? Json(nullptr) : Json(record.release);
    json["level"] = record.level >= 0 ? Json(record.level) : Json(nullptr);
    json["facility"] = record.facility >= 0 ? Json(record.facility) : Json(nullptr);
    json["seq"] = optional(record.seq);
    json["ts_usec"] = optional(record.ts_usec);
    json["cont"] = record.cont;
    json["text"] = record.text;
    Json fields = Json::object();
    for (const auto& [key, value] : record.fields) {
        fields[key] = value;
    }
    json["fields"] = std::move(fields);
    json["received"] = forward::rfc3339(received);
    json["lost_before"] = record.lost_before;
    json["unsent_before"] = record.unsent_before;
    json["incomplete"] = record.incomplete;
    json["cut"] = record.cut;
    return json;
}

std::vector<std::string> journal_fields(const receive::Record& record) {
    std::vector<std::string> fields;
    fields.push_back("MESSAGE=" + record.text);
    // Plain text carries no level: the journal's default, info.
    fields.push_back(fmt::format("PRIORITY={}", record.level >= 0 ? record.level : 6));
    if (record.facility >= 0) {
        fields.push_back(fmt::format("SYSLOG_FACILITY={}", record.facility));
    }
    fields.emplace_back("SYSLOG_IDENTIFIER=netconsole");
    fields.push_back("NETCONSOLE_SENDER=" + record.sender.address_text());
    fields.push_back(fmt::format("NETCONSOLE_PORT={}", record.sender.port));
    if (!record.sender.local_ip().is_unspecified()) {
        fields.push_back("NETCONSOLE_LOCAL_ADDRESS=" + record.sender.local_ip().to_string());
    }
    fields.push_back(fmt::format("NETCONSOLE_LOCAL_PORT={}", record.sender.local_port));
    if (record.seq) {
        fields.push_back(fmt::format("NETCONSOLE_SEQ={}", *record.seq));
    }
    if (record.ts_usec) {
        fields.push_back(fmt::format("NETCONSOLE_TS_USEC={}", *record.ts_usec));
    }
    if (!record.release.empty()) {
        fields.push_back("NETCONSOLE_RELEASE=" + record.release);
    }
    if (record.lost_before > 0) {
        fields.push_back(fmt::format("NETCONSOLE_LOST_BEFORE={}", record.lost_before));
    }
    if (record.unsent_before > 0) {
        fields.push_back(fmt::format("NETCONSOLE_UNSENT_BEFORE={}", record.unsent_before));
    }
    for (const auto& [key, value] : record.fields) {
        // Prefixed, so a sender cannot set the journal's trusted or own fields.
        fields.push_back(journal_name("FIELD_" + key) + "=" + value);
    }
    return fields;
}

std::string summary_line(const receive::ReceiverStats& stats, const ListenCounts& counts) {
    auto line = fmt::format("received {} record{} from {} sender{}, {} lost", stats.records,
                            stats.records == 1 ? "" : "s", stats.senders,
                            stats.senders == 1 ? "" : "s", stats.lost);
    if (stats.unsent > 0) {
        fmt::format_to(std::back_inserter(line), ", {} never sent by netconsole", stats.unsent);
    }
    const auto unwritten = counts.unwritten_files + counts.unwritten_journal;
    if (unwritten > 0) {
        fmt::format_to(std::back_inserter(line), ", {} unwritten", unwritten);
    }
    if (counts.socket_drops > 0) {
        // Datagrams: a fragmented record is several, so no count of records is known.
        fmt::format_to(std::back_inserter(line), ", {} datagram{} dropped by the socket (receive buffer full)",
                       counts.socket_drops, counts.socket_drops == 1 ? "" : "s");
    }
    return line;
}

std::vector<std::string> stream_lines(std::vector<receive::StreamStats> streams) {
    std::vector<std::string> lines;
    std::erase_if(streams, [](const auto& s) { return s.lost == 0 && s.unsent == 0; });
    std::sort(streams.begin(), streams.end(), [](const auto& a, const auto& b) {
        return std::tie(b.lost, b.unsent) < std::tie(a.lost, a.unsent);
    });
    const auto shown = std::min(streams.size(), k_stream_lines);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto& s = streams[i];
        auto line = fmt::format("  {} (port {}): {} record{}, {} lost", stream_name(s.stream),
                                s.stream.port, s.records, s.records == 1 ? "" : "s", s.lost);
        if (s.counts_msgid) {
            fmt::format_to(std::back_inserter(line), ", {} never sent (msgid)", s.unsent);
        }
        lines.push_back(std::move(line));
    }
    if (streams.size() > shown) {
        lines.push_back(fmt::format("  and {} more stream{} with losses (--json lists them all)",
                                    streams.size() - shown,
                                    streams.size() - shown == 1 ? "" : "s"));
    }
    return lines;
}

std::string forward_line(const ops::ForwardSummary& forward) {
    const auto& s = forward.stats;
    auto line = fmt::format("forwarded to {}: {} sent, {} dropped", forward.url, s.sent, s.dropped);
    if (s.queued > 0 || s.spool_bytes > 0) {
        fmt::format_to(std::back_inserter(line), ", {} still queued", s.queued);
        if (s.spool_bytes > 0) {
            fmt::format_to(std::back_inserter(line), " and {} bytes in the spool", s.spool_bytes);
        }
    }
    if (s.spooled > 0) {
        fmt::format_to(std::back_inserter(line), ", {} through the spool", s.spooled);
    }
    if (s.resent > 0) {
        fmt::format_to(std::back_inserter(line), ", {} sent again after a lost connection",
                       s.resent);
    }
    return line;
}

Json stream_json(const receive::StreamStats& s) {
    Json json;
    json["sender"] = s.stream.address_text();
    json["port"] = s.stream.port;
    json["local_address"] = s.stream.local_ip().is_unspecified()
                                ? Json(nullptr)
                                : Json(s.stream.local_ip().to_string());
    json["local_port"] = s.stream.local_port;
    json["records"] = s.records;
    json["lost"] = s.lost;
    json["unsent"] = s.unsent;
    json["late"] = s.late;
    json["duplicates"] = s.duplicates;
    json["restarts"] = s.restarts;
    json["counts_msgid"] = s.counts_msgid;
    return json;
}

Json forward_json(const ops::ForwardSummary& forward) {
    const auto& s = forward.stats;
    Json json;
    json["url"] = forward.url;
    json["submitted"] = s.submitted;
    json["sent"] = s.sent;
    json["dropped"] = s.dropped;
    json["resent"] = s.resent;
    json["spooled"] = s.spooled;
    json["queued"] = s.queued;
    json["spool_bytes"] = s.spool_bytes;
    json["connections"] = s.connections;
    json["failures"] = s.failures;
    json["connected"] = s.connected;
    json["last_error"] = s.last_error.empty() ? Json(nullptr) : Json(s.last_error);
    return json;
}

Json summary_json(const receive::ReceiverStats& stats, const ListenCounts& counts) {
    Json json;
    json["records"] = stats.records;
    json["senders"] = stats.senders;
    json["lost"] = stats.lost;
    json["unsent"] = stats.unsent;
    json["merged"] = stats.merged;
    json["datagrams"] = stats.datagrams;
    json["incomplete"] = stats.incomplete;
    json["cut"] = stats.cut;
    json["duplicates"] = stats.duplicates;
    json["late"] = stats.late;
    json["filled"] = stats.filled;
    json["restarts"] = stats.restarts;
    json["malformed"] = stats.malformed;
    json["dropped"] = stats.dropped;
    json["duplicate_fragments"] = stats.duplicate_fragments;
    json["evicted_senders"] = stats.evicted_senders;
    json["refused"] = counts.refused;
    json["truncated"] = counts.truncated;
    json["acknowledged"] = counts.acknowledged;
    json["unwritten"] = counts.unwritten_files + counts.unwritten_journal;
    json["unwritten_files"] = counts.unwritten_files;
    json["unwritten_journal"] = counts.unwritten_journal;
    json["socket_drops"] = counts.socket_drops;
    return json;
}

} // namespace ncs::cli
