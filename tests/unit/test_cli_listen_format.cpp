// cli/listen_format.cpp: the text line, JSON object, journal entry and summary of `listen`.
#include "context.hpp"
#include "listen_format.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace ncs::receive;
using namespace ncs::cli;

namespace {
Record extended_record() {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::parse("10.1.0.2"), 6665)
                        .at(ncs::IpAddress::parse("10.2.0.2"), 6667);
    record.format = Format::extended;
    record.release = "6.12.117+deb13-amd64";
    record.level = 3;
    record.facility = 0;
    record.seq = 383;
    record.ts_usec = 6639530;
    record.text = "disk \\x1b[31m error";
    record.fields = {{"rack", "b7"}, {"msgid", "12"}};
    return record;
}
} // namespace

TEST_CASE("the text line: sender, printk timestamp, level, text", "[cli][listen]") {
    std::string out;
    append_text_line(out, extended_record());
    CHECK(out == "10.1.0.2@6667 [    6.639530] err disk \\x1b[31m error\n");
}

TEST_CASE("raw control characters never reach the terminal", "[cli][listen]") {
    using ncs::cli::Escapes;
    using ncs::cli::printable;
    CHECK(printable("a\x1b[2Jb\tc", Escapes::kernel) == "a\\x1b[2Jb\\x09c");
    CHECK(printable("kernel \\x0a kept", Escapes::kernel) == "kernel \\x0a kept");
    CHECK(printable("lone \\ back", Escapes::kernel) == "lone \\x5c back");
    CHECK(printable("utf-8 \xc3\xa9", Escapes::kernel) == "utf-8 \xc3\xa9");
    // C1 raw and as U+009B, invalid UTF-8, a bidi override.
    CHECK(printable("\x9b" "31m \xc2\x9b" "2J \xff \xe2\x80\xae" "evil", Escapes::kernel) ==
          "\\x9b31m \\xc2\\x9b2J \\xff \\xe2\\x80\\xae" "evil");
}

TEST_CASE("a record's text line and JSON line carry no C1, bidi or invalid UTF-8",
          "[cli][listen]") {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::v4({10, 1, 0, 2}), 6665);
    record.text = "a\xc2\x9b" "31m b\xe2\x80\xae" "c \xff d\x1b";
    std::string out;
    append_text_line(out, record);
    CHECK(out == "10.1.0.2@0 a\\xc2\\x9b31m b\\xe2\\x80\\xae" "c \\xff d\\x1b\n");
    const auto line = ncs::cli::dump_line(record_json(record, {}));
    CHECK(line.find("\"text\":\"a\\u009b31m b\\u202ec \xef\xbf\xbd d\\u001b\"") != std::string::npos);
    CHECK(ncs::cli::Json::parse(line)["text"] == "a\xc2\x9b" "31m b\xe2\x80\xae" "c \xef\xbf\xbd d\x1b");
}

TEST_CASE("a plain record without timestamp or level, and losses get a line", "[cli][listen]") {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::parse("2001:db8::2"), 6665)
                        .at(ncs::IpAddress::parse("::ffff:10.2.0.2"), 6666);
    record.text = "plain";
    record.lost_before = 2;
    std::string out;
    append_text_line(out, record);
    CHECK(out == "2001:db8::2@6666 -- 2 records lost --\n2001:db8::2@6666 plain\n");
}

TEST_CASE("the JSON object names every field", "[cli][listen]") {
    const auto json = record_json(extended_record(), std::chrono::system_clock::time_point{});
    CHECK(json["sender"] == "10.1.0.2");
    CHECK(json["port"] == 6665);
    CHECK(json["local_address"] == "10.2.0.2");
    CHECK(json["local_port"] == 6667);
    CHECK(json["unsent_before"] == 0);
    CHECK(json["release"] == "6.12.117+deb13-amd64");
    CHECK(json["level"] == 3);
    CHECK(json["facility"] == 0);
    CHECK(json["seq"] == 383);
    CHECK(json["ts_usec"] == 6639530);
    CHECK(json["cont"] == false);
    CHECK(json["fields"]["rack"] == "b7");
    CHECK(json["received"] == "1970-01-01T00:00:00.000000Z");
    CHECK(json["lost_before"] == 0);
    Record plain;
    const auto plain_json = record_json(plain, std::chrono::system_clock::time_point{});
    CHECK(plain_json["level"].is_null());
    CHECK(plain_json["seq"].is_null());
    CHECK(plain_json["release"].is_null());
    CHECK(plain_json["local_address"].is_null()); // a socket that does not say
}

TEST_CASE("the journal entry: priority from the level, prefixed field names", "[cli][listen]") {
    const auto fields = journal_fields(extended_record());
    auto has = [&](const std::string& field) {
        return std::find(fields.begin(), fields.end(), field) != fields.end();
    };
    CHECK(has("MESSAGE=disk \\x1b[31m error"));
    CHECK(has("PRIORITY=3"));
    CHECK(has("NETCONSOLE_SENDER=10.1.0.2"));
    CHECK(has("NETCONSOLE_SEQ=383"));
    CHECK(has("NETCONSOLE_LOCAL_ADDRESS=10.2.0.2"));
    CHECK(has("NETCONSOLE_LOCAL_PORT=6667"));
    CHECK(has("NETCONSOLE_FIELD_RACK=b7"));
    Record odd;
    odd.fields = {{"_SYSTEMD_UNIT", "x"}, {"a.b-c", "y"}};
    const auto odd_fields = journal_fields(odd);
    CHECK(std::find(odd_fields.begin(), odd_fields.end(), "NETCONSOLE_FIELD__SYSTEMD_UNIT=x") !=
          odd_fields.end());
    CHECK(std::find(odd_fields.begin(), odd_fields.end(), "NETCONSOLE_FIELD_A_B_C=y") !=
          odd_fields.end());
}

TEST_CASE("the summary line", "[cli][listen]") {
    ReceiverStats stats;
    stats.records = 9900;
    stats.senders = 4;
    stats.lost = 100;
    CHECK(summary_line(stats) == "received 9900 records from 4 senders, 100 lost");
    stats.records = 1;
    stats.senders = 1;
    stats.lost = 0;
    CHECK(summary_line(stats) == "received 1 record from 1 sender, 0 lost");
    CHECK(summary_line(stats, {0, 0, 0, 2, 1}) == "received 1 record from 1 sender, 0 lost, 3 unwritten");
    const auto json = summary_json(stats, {3, 0, 1, 2, 1});
    CHECK(json["unwritten"] == 3);
    CHECK(json["unwritten_journal"] == 1);
    CHECK(json["refused"] == 3);
    CHECK(json["acknowledged"] == 1);
    CHECK(json["socket_drops"] == 0); // always there, a number
}

TEST_CASE("the summary line says the socket's drops, in datagrams, only when there are some",
          "[cli][listen]") {
    ReceiverStats stats;
    stats.records = 60;
    stats.senders = 1;
    ListenCounts counts;
    counts.socket_drops = 940;
    CHECK(summary_line(stats, counts) ==
          "received 60 records from 1 sender, 0 lost, 940 datagrams dropped by the socket "
          "(receive buffer full)");
    counts.socket_drops = 1;
    CHECK(summary_line(stats, counts) ==
          "received 60 records from 1 sender, 0 lost, 1 datagram dropped by the socket "
          "(receive buffer full)");
    CHECK(summary_json(stats, counts)["socket_drops"] == 1);
}

TEST_CASE("a cut plain line is marked in text and JSON", "[cli][listen]") {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::v4({10, 1, 0, 2}), 6665);
    record.text = "long";
    record.cut = true;
    std::string out;
    append_text_line(out, record);
    CHECK(out == "10.1.0.2@0 long [cut]\n");
    CHECK(record_json(record, {})["cut"] == true);
}

TEST_CASE("msgid: unsent in the summary line, the JSON and the journal", "[cli][listen]") {
    ReceiverStats stats;
    stats.records = 10;
    stats.senders = 1;
    stats.lost = 1;
    stats.unsent = 4;
    CHECK(summary_line(stats) == "received 10 records from 1 sender, 1 lost, 4 never sent by netconsole");
    CHECK(summary_json(stats, {})["unsent"] == 4);
    auto record = extended_record();
    record.unsent_before = 3;
    CHECK(record_json(record, {})["unsent_before"] == 3);
    const auto fields = journal_fields(record);
    CHECK(std::find(fields.begin(), fields.end(), "NETCONSOLE_UNSENT_BEFORE=3") != fields.end());
}

TEST_CASE("stream lines: those with losses, most lost first, at most k_stream_lines", "[cli][listen]") {
    std::vector<StreamStats> streams;
    const auto patient = SenderKey::from(ncs::IpAddress::parse("10.1.0.2"), 6665);
    StreamStats extended{patient.at(ncs::IpAddress::parse("10.2.0.2"), 6667), 100, 3, 2, 0, 0, 0, true};
    StreamStats plain{patient.at(ncs::IpAddress::parse("10.2.0.2"), 6668), 50, 5, 0, 0, 0, 0, false};
    StreamStats whole{patient.at(ncs::IpAddress::parse("10.2.0.2"), 6669), 7, 0, 0, 0, 0, 0, false};
    CHECK(stream_lines({extended, plain, whole}) ==
          std::vector<std::string>{"  10.1.0.2@6668 (port 6665): 50 records, 5 lost",
                                   "  10.1.0.2@6667 (port 6665): 100 records, 3 lost, 2 never sent (msgid)"});
    std::vector<StreamStats> many(k_stream_lines + 2, plain);
    const auto lines = stream_lines(many);
    REQUIRE(lines.size() == k_stream_lines + 1);
    CHECK(lines.back() == "  and 2 more streams with losses (--json lists them all)");
    CHECK(stream_json(extended)["local_port"] == 6667);
    CHECK(stream_json(extended)["unsent"] == 2);
    CHECK(stream_json(extended)["counts_msgid"] == true);
}

TEST_CASE("the forward line: sent, dropped, what is still queued", "[cli][listen]") {
    ncs::ops::ForwardSummary forward{"tcp://10.2.0.9:601", {}};
    forward.stats.sent = 60;
    CHECK(forward_line(forward) == "forwarded to tcp://10.2.0.9:601: 60 sent, 0 dropped");
    forward.stats.dropped = 15;
    forward.stats.queued = 25;
    forward.stats.spool_bytes = 4096;
    forward.stats.spooled = 7;
    CHECK(forward_line(forward) == "forwarded to tcp://10.2.0.9:601: 60 sent, 15 dropped, 25 still "
                                   "queued and 4096 bytes in the spool, 7 through the spool");
    CHECK(forward_json(forward)["dropped"] == 15);
    CHECK(forward_json(forward)["last_error"].is_null());
}
