#include "forward/syslog.hpp"

#include "receive/receiver.hpp"

#include <catch2/catch.hpp>

using namespace ncs::forward;
using namespace ncs::receive;

namespace {

// 2026-12-05T15:04:05.000123Z
const auto k_received =
    std::chrono::system_clock::time_point{} + std::chrono::seconds{1796483045} +
    std::chrono::microseconds{123};

Record extended_record() {
    Receiver receiver;
    std::vector<Record> out;
    const auto sender = SenderKey::from(ncs::IpAddress::v4({10, 1, 0, 2}), 6665)
                            .at(ncs::IpAddress::v4({10, 1, 0, 1}), 6667);
    receiver.feed(sender,
                  "7.2.13,3,382,8648230,-;BUG: \"x\" [y] \\z\n rack=r1\n cpu=0\n msgid=9\n",
                  Receiver::Clock::time_point{}, out);
    REQUIRE(out.size() == 1);
    return out[0];
}

} // namespace

TEST_CASE("RFC 3339 timestamps in UTC with microseconds") {
    CHECK(rfc3339(k_received) == "2026-12-05T15:04:05.000123Z");
    CHECK(rfc3339(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000000Z");
}

TEST_CASE("PARAM-VALUE escaping: the double quote, the backslash and the closing bracket only") {
    CHECK(escape_param_value(R"(a"b\c]d[e)") == R"(a\"b\\c\]d[e)");
    CHECK(escape_param_value("") == "");
}

TEST_CASE("an extended record as RFC 5424: PRI, header, origin and meta, MSG lines") {
    const auto formatted = format_message(extended_record(), k_received);
    CHECK_FALSE(formatted.truncated);
    CHECK(formatted.text ==
          "<3>1 2026-12-05T15:04:05.000123Z 10.1.0.2 kernel - netconsole "
          "[origin ip=\"10.1.0.2\" software=\"Linux\" swVersion=\"7.2.13\"]"
          "[meta sysUpTime=\"864\"] "
          "BUG: \"x\" [y] \\z\n rack=r1\n cpu=0\n msgid=9\n netconsole.seq=382\n"
          " netconsole.ts_usec=8648230\n netconsole.level=3\n netconsole.source_port=6665\n"
          " netconsole.target_port=6667");
}

TEST_CASE("facility from the record, severity 6 when the level is unknown") {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::v4({10, 1, 0, 2}), 6665);
    record.text = "plain";
    CHECK(format_message(record, k_received).text.starts_with("<6>1 "));
    record.facility = 1; // a record written to /dev/kmsg
    record.level = 4;
    CHECK(format_message(record, k_received).text.starts_with("<12>1 "));
    // No release: no swVersion; no timestamp: no meta.
    CHECK(format_message(record, k_received).text.find("swVersion") == std::string::npos);
    CHECK(format_message(record, k_received).text.find("[meta") == std::string::npos);
}

TEST_CASE("a release longer than swVersion's 32 octets is cut there and kept whole in MSG") {
    auto record = extended_record();
    record.release = std::string(40, 'r');
    const auto text = format_message(record, k_received).text;
    CHECK(text.find("swVersion=\"" + std::string(32, 'r') + "\"]") != std::string::npos);
    CHECK(text.find("\n netconsole.release=" + std::string(40, 'r')) != std::string::npos);
}

TEST_CASE("UTF-8 BOM: before non-ASCII UTF-8, not before ASCII or invalid UTF-8") {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::v4({10, 1, 0, 2}), 6665);
    record.text = "ascii";
    CHECK(format_message(record, k_received).text.find("\xEF\xBB\xBF") == std::string::npos);
    record.text = "caf\xC3\xA9";
    CHECK(format_message(record, k_received).text.find("\xEF\xBB\xBF" "caf\xC3\xA9") !=
          std::string::npos);
    record.text = "bad \xC3(";
    CHECK(format_message(record, k_received).text.find("\xEF\xBB\xBF") == std::string::npos);
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));     // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80")); // a surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // beyond U+10FFFF
}

TEST_CASE("a message longer than the limit is cut on a character boundary, and says so") {
    Record record;
    record.sender = SenderKey::from(ncs::IpAddress::v4({10, 1, 0, 2}), 6665);
    for (int i = 0; i < 100; ++i) {
        record.text += "\xC3\xA9"; // é
    }
    MessageOptions options;
    options.max_bytes = 121;
    const auto formatted = format_message(record, k_received, options);
    CHECK(formatted.truncated);
    CHECK(formatted.text.size() <= 121);
    CHECK(formatted.text.size() >= 120);
    CHECK(is_valid_utf8(formatted.text));
}

TEST_CASE("octet counting: the byte length, a space, the message") {
    CHECK(octet_counted("<6>1 x") == "6 <6>1 x");
    CHECK(octet_counted("caf\xC3\xA9") == "5 caf\xC3\xA9");
}
