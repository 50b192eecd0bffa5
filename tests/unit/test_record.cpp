#include "receive/record.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace ncs::receive;

TEST_CASE("extended header of 6.1: level, seq, ts_usec, flag") {
    const auto parsed = parse_extended("6,381,8093704,-;hello world\n");
    REQUIRE(parsed);
    CHECK(parsed->release.empty());
    CHECK(parsed->prefix == 6);
    CHECK(parsed->seq == 381);
    CHECK(parsed->ts_usec == 8093704);
    CHECK_FALSE(parsed->cont);
    CHECK_FALSE(parsed->fragment);
    CHECK(parsed->identity == "6,381,8093704,-");
    CHECK(parsed->body == "hello world\n");
}

TEST_CASE("extended header with the release prefix of 6.6+ (as 6.12 sends it)") {
    const auto parsed = parse_extended("6.12.117+deb13-amd64,11,383,6639530,-;MESSAGE\n");
    REQUIRE(parsed);
    CHECK(parsed->release == "6.12.117+deb13-amd64");
    CHECK(parsed->prefix == 11);
    CHECK(parsed->seq == 383);
    CHECK(parsed->body == "MESSAGE\n");
}

TEST_CASE("extended fragment header of 7.2: release and ncfrag") {
    const auto parsed = parse_extended("7.2.13+deb14-amd64,11,382,8648230,-,ncfrag=0/1127;abc");
    REQUIRE(parsed);
    CHECK(parsed->release == "7.2.13+deb14-amd64");
    REQUIRE(parsed->fragment);
    CHECK(*parsed->fragment == Fragment{0, 1127});
    CHECK(parsed->identity == "7.2.13+deb14-amd64,11,382,8648230,-");
    CHECK(parsed->body == "abc");
}

TEST_CASE("extended header with caller= and the continuation flag") {
    const auto parsed = parse_extended("4,10,20,c,caller=T123;part");
    REQUIRE(parsed);
    CHECK(parsed->cont);
    CHECK(parsed->caller == "T123");
    const auto fragment = parse_extended("4,10,20,c,caller=C1,ncfrag=10/30;part");
    REQUIRE(fragment);
    CHECK(fragment->caller == "C1");
    CHECK(fragment->identity == "4,10,20,c,caller=C1");
}

TEST_CASE("a trailing NUL of a 1000-byte datagram is dropped") {
    // The parse views the datagram, so the datagram outlives it.
    const std::string datagram("6,1,2,-;text\n\0", 14);
    const auto parsed = parse_extended(datagram);
    REQUIRE(parsed);
    CHECK(parsed->body == "text\n");
}

TEST_CASE("malformed extended headers are not extended records") {
    CHECK_FALSE(parse_extended("plain console text"));
    CHECK_FALSE(parse_extended("[   12.345678] eth0: link up; speed 1000"));
    CHECK_FALSE(parse_extended("6,381,8093704;text"));        // no flag
    CHECK_FALSE(parse_extended("6,381,8093704,x;text"));      // bad flag
    CHECK_FALSE(parse_extended("6,-1,8093704,-;text"));       // negative seq
    CHECK_FALSE(parse_extended("99999,1,2,-;text"));          // prefix too large
    CHECK_FALSE(parse_extended("6,1,2,-,ncfrag=1;text"));     // no total
    CHECK_FALSE(parse_extended("6,1,2,-,ncfrag=a/2;text"));   // not a number
    CHECK_FALSE(parse_extended("6,1,2,-,ncfrag=0/2,ncfrag=0/2;t"));
    CHECK_FALSE(parse_extended("6,1,2,-,;text"));             // empty field
    CHECK_FALSE(parse_extended("6,1,99999999999999999999999,-;t")); // overflow
    CHECK_FALSE(parse_extended("rel ease,6,1,2,-;t"));        // space in release
    CHECK_FALSE(parse_extended(",6,1,2,-;t"));
    CHECK_FALSE(parse_extended(""));
    CHECK_FALSE(parse_extended(std::string(300, '1') + ";t")); // header too long
}

TEST_CASE("unknown header fields of a newer kernel are ignored") {
    const auto parsed = parse_extended("6,1,2,-,future=1;t\n");
    REQUIRE(parsed);
    CHECK(parsed->identity == "6,1,2,-,future=1");
}

TEST_CASE("the body holds the text, then dictionary, userdata and sysdata lines") {
    Record record;
    parse_body("disk error\\x0a2\n SUBSYSTEM=scsi\n DEVICE=+scsi:0:0\n rack=b7\n cpu=1\n"
               " taskname=kworker/1:0\n release=6.17.0\n msgid=42\n",
               record);
    CHECK(record.text == "disk error\\x0a2");
    REQUIRE(record.fields.size() == 7);
    CHECK(record.fields[0] == std::pair<std::string, std::string>{"SUBSYSTEM", "scsi"});
    CHECK(record.fields[2] == std::pair<std::string, std::string>{"rack", "b7"});
    CHECK(record.fields[4] == std::pair<std::string, std::string>{"taskname", "kworker/1:0"});
    CHECK(record.fields[6] == std::pair<std::string, std::string>{"msgid", "42"});
}

TEST_CASE("a value keeps its '=' signs, and a line without '=' is kept with no key") {
    Record record;
    parse_body("t\n k=a=b\n odd\n", record);
    REQUIRE(record.fields.size() == 2);
    CHECK(record.fields[0].second == "a=b");
    CHECK(record.fields[1] == std::pair<std::string, std::string>{"", "odd"});
}

TEST_CASE("plain lines: the printk timestamp is taken apart") {
    Record record;
    parse_plain_line("[   12.345678] eth0: link up", record);
    REQUIRE(record.ts_usec);
    CHECK(*record.ts_usec == 12345678);
    CHECK(record.text == "eth0: link up");
    Record other;
    parse_plain_line("[not a stamp] text", other);
    CHECK_FALSE(other.ts_usec);
    CHECK(other.text == "[not a stamp] text");
}

TEST_CASE("kernel_datagrams fragments the body as netconsole does") {
    const std::string body = std::string(2500, 'x') + "\n key=value\n";
    const auto datagrams = kernel_datagrams("6.12.0,6,7,8,-", body);
    REQUIRE(datagrams.size() == 3);
    std::string joined;
    for (const auto& datagram : datagrams) {
        CHECK(datagram.size() <= 1000);
        const auto parsed = parse_extended(datagram);
        REQUIRE(parsed);
        REQUIRE(parsed->fragment);
        CHECK(parsed->fragment->offset == joined.size());
        CHECK(parsed->fragment->total == body.size());
        CHECK(parsed->identity == "6.12.0,6,7,8,-");
        joined += parsed->body;
    }
    CHECK(joined == body);
    CHECK(kernel_datagrams("6,7,8,-", "short\n") == std::vector<std::string>{"6,7,8,-;short\n"});
}

TEST_CASE("level names") {
    CHECK(level_name(0) == "emerg");
    CHECK(level_name(3) == "err");
    CHECK(level_name(7) == "debug");
    CHECK(level_name(-1) == "-");
    CHECK(level_name(8) == "-");
}
