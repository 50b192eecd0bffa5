#include "listen_format.hpp"

#include "context.hpp"

#include <fmt/format.h>

#include <ctime>

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

void append_text_line(std::string& out, const receive::Record& record) {
    const auto sender = record.sender.address_text();
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

std::string rfc3339(std::chrono::system_clock::time_point time) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    auto seconds = static_cast<std::time_t>(micros / 1'000'000);
    auto fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
}

Json record_json(const receive::Record& record, std::chrono::system_clock::time_point received) {
    auto optional = [](const auto& value) { return value ? Json(*value) : Json(nullptr); };
    Json json;
    json["sender"] = record.sender.address_text();
    json["port"] = record.sender.port;
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
    json["received"] = rfc3339(received);
    json["lost_before"] = record.lost_before;
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
    const auto unwritten = counts.unwritten_files + counts.unwritten_journal;
    if (unwritten > 0) {
        fmt::format_to(std::back_inserter(line), ", {} unwritten", unwritten);
    }
    return line;
}

Json summary_json(const receive::ReceiverStats& stats, const ListenCounts& counts) {
    Json json;
    json["records"] = stats.records;
    json["senders"] = stats.senders;
    json["lost"] = stats.lost;
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
    return json;
}

} // namespace ncs::cli
