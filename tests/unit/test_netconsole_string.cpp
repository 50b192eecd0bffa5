// The netconsole= grammar: accepted forms with every parsed field, rejected
// forms with the kernel's exact stop text and offset, format/parse round trips
// and randomised robustness checks.
#include "grammar/netconsole_string.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using ncs::InputError;
using ncs::IpAddress;
using ncs::MacAddress;
using ncs::ParseError;
using ncs::Target;
using ncs::grammar::Field;
using ncs::grammar::format;
using ncs::grammar::parse;
using ncs::grammar::ParsedTarget;
using ncs::grammar::strip_parameter_name;

namespace {

ParsedTarget only_target(std::string_view value) {
    INFO(value);
    const auto result = parse(value);
    REQUIRE(result.targets.size() == 1);
    return result.targets.front();
}

struct Stop {
    std::string at;
    std::size_t offset = 0;
    std::string hint;
    std::string message;
};

Stop stop_of(std::string_view value) {
    try {
        parse(value);
    } catch (const ParseError& error) {
        return {error.at(), error.offset(), error.hint(), error.what()};
    }
    FAIL("expected a ParseError for '" << std::string(value) << "'");
    return {};
}

IpAddress ip(std::string_view text) {
    return IpAddress::parse(text);
}

MacAddress mac(std::string_view text) {
    return MacAddress::parse(text);
}

/// One rejected value: where the kernel stops and a piece of the expected hint.
struct StopVector {
    const char* value;
    const char* at;
    std::size_t offset;
    const char* hint_part;
};

void check_stops(const std::vector<StopVector>& vectors) {
    for (const auto& v : vectors) {
        INFO(v.value);
        const auto stop = stop_of(v.value);
        CHECK(stop.at == v.at);
        CHECK(stop.offset == v.offset);
        CHECK_THAT(stop.hint, Catch::Contains(v.hint_part));
        CHECK(stop.message == std::string("couldn't parse config at '") + v.at + "'");
    }
}

std::vector<std::string> warning_texts(std::string_view value) {
    std::vector<std::string> texts;
    for (const auto& warning : parse(value).warnings) {
        texts.push_back(warning.message);
    }
    return texts;
}

} // namespace

TEST_CASE("the full explicit form sets every field and defaults none", "[netconsole_string]") {
    const auto parsed = only_target("6665@10.0.0.1/eth0,6666@10.0.0.2/aa:bb:cc:dd:ee:ff");
    const Target& t = parsed.target;
    CHECK_FALSE(t.extended);
    CHECK_FALSE(t.release);
    CHECK(t.local_port == 6665);
    CHECK(t.local_ip == ip("10.0.0.1"));
    CHECK(*t.device_name() == "eth0");
    CHECK(t.remote_port == 6666);
    CHECK(t.remote_ip == ip("10.0.0.2"));
    CHECK(t.remote_mac == mac("aa:bb:cc:dd:ee:ff"));
    CHECK(parsed.defaulted == std::vector<Field>{Field::extended, Field::release});
    CHECK(parsed.offset == 0);
    CHECK(parsed.text == "6665@10.0.0.1/eth0,6666@10.0.0.2/aa:bb:cc:dd:ee:ff");
}

TEST_CASE("the shortest body takes the kernel defaults", "[netconsole_string]") {
    const auto parsed = only_target("@/,@10.0.0.2/");
    const Target& t = parsed.target;
    CHECK(t.local_port == 6665);
    CHECK_FALSE(t.local_ip);
    CHECK(*t.device_name() == "eth0");
    CHECK(t.remote_port == 6666);
    CHECK(t.remote_ip == ip("10.0.0.2"));
    CHECK(t.remote_mac == MacAddress::broadcast());
    CHECK(parsed.defaulted == std::vector<Field>{Field::extended, Field::release,
                                                 Field::local_port, Field::local_ip,
                                                 Field::dev_name, Field::remote_port,
                                                 Field::remote_mac});
    CHECK(parse("@/,@10.0.0.2/").warnings.empty());
}

TEST_CASE("different fields map to the right members", "[netconsole_string]") {
    const auto t = only_target("1@192.168.1.10/enp3s0,514@192.168.1.1/00:11:22:33:44:55").target;
    CHECK(t.local_port == 1);
    CHECK(t.local_ip == ip("192.168.1.10"));
    CHECK(*t.device_name() == "enp3s0");
    CHECK(t.remote_port == 514);
    CHECK(t.remote_ip == ip("192.168.1.1"));
    CHECK(t.remote_mac == mac("00:11:22:33:44:55"));
}

TEST_CASE("to_string names the configfs attributes", "[netconsole_string]") {
    CHECK(to_string(Field::local_port) == "local_port");
    CHECK(to_string(Field::dev_name) == "dev_name");
    CHECK(to_string(Field::remote_mac) == "remote_mac");
    CHECK(to_string(Field::extended) == "extended");
}

TEST_CASE("an empty value has no targets", "[netconsole_string]") {
    const auto result = parse("");
    CHECK(result.targets.empty());
    CHECK(result.warnings.empty());
}

TEST_CASE("targets are split on semicolons and keep their text and offset", "[netconsole_string]") {
    const auto result = parse("@/,@10.0.0.2/;+@/eth1,@10.0.0.3/");
    REQUIRE(result.targets.size() == 2);
    CHECK(result.targets[0].text == "@/,@10.0.0.2/");
    CHECK(result.targets[0].offset == 0);
    CHECK_FALSE(result.targets[0].target.extended);
    CHECK(result.targets[1].text == "+@/eth1,@10.0.0.3/");
    CHECK(result.targets[1].offset == 14);
    CHECK(result.targets[1].target.extended);
    CHECK(*result.targets[1].target.device_name() == "eth1");
    CHECK(result.targets[1].target.remote_ip == ip("10.0.0.3"));
}

TEST_CASE("prefix '+' makes a target extended, '+r' adds release with a warning",
          "[netconsole_string]") {
    const auto plus = only_target("+@/,@10.0.0.2/");
    CHECK(plus.target.extended);
    CHECK_FALSE(plus.target.release);
    CHECK(plus.defaulted.front() == Field::release);

    const auto plus_r = only_target("+r@/,@10.0.0.2/");
    CHECK(plus_r.target.extended);
    CHECK(plus_r.target.release);
    CHECK(warning_texts("+r@/,@10.0.0.2/") ==
          std::vector<std::string>{"release ('r') needs Linux 6.6 or newer"});

    const auto full = only_target("+r6665@10.0.0.1/eth0,6666@10.0.0.2/aa:bb:cc:dd:ee:ff");
    CHECK(full.target.release);
    CHECK(full.target.local_port == 6665);
    CHECK(full.defaulted.empty());
}

TEST_CASE("a second '+' is the sign of the source port", "[netconsole_string]") {
    const auto t = only_target("++6665@/,@10.0.0.2/").target;
    CHECK(t.extended);
    CHECK(t.local_port == 6665);
    CHECK(only_target("+r+7@/,@10.0.0.2/").target.local_port == 7);
    CHECK(only_target("+7@/,@10.0.0.2/").target.local_port == 7);
    CHECK(only_target("+7@/,@10.0.0.2/").target.extended);
}

TEST_CASE("'r' without '+' stops the target with a hint", "[netconsole_string]") {
    for (const char* value : {"r@/,@10.0.0.2/", "r+@/,@10.0.0.2/", "r6665@/,@10.0.0.2/"}) {
        INFO(value);
        const auto stop = stop_of(value);
        CHECK(stop.offset == 0);
        CHECK(stop.at == value);
        CHECK(stop.hint == "r needs + before it (+r)");
    }
    const auto second = stop_of("@/,@10.0.0.2/;r@/,@10.0.0.3/");
    CHECK(second.offset == 14);
    CHECK(second.at == "r@/,@10.0.0.3/");
}

TEST_CASE("only one 'r' and only lowercase 'r' are prefixes", "[netconsole_string]") {
    const auto rr = stop_of("+rr@/,@10.0.0.2/");
    CHECK(rr.at == "r");
    CHECK(rr.offset == 2);
    const auto upper = stop_of("+R@/,@10.0.0.2/");
    CHECK(upper.at == "R");
    CHECK(upper.offset == 1);
    const auto plus_plus = stop_of("+++1@/,@10.0.0.2/");
    CHECK(plus_plus.at == "++1");
    CHECK(plus_plus.offset == 1);
    const auto bare_sign = stop_of("++@/,@10.0.0.2/");
    CHECK(bare_sign.at == "+");
    CHECK(bare_sign.offset == 1);
}

TEST_CASE("ports accept 0 and 65535, leading zeros and a newline", "[netconsole_string]") {
    const auto zero = only_target("0@/,0@10.0.0.2/").target;
    CHECK(zero.local_port == 0);
    CHECK(zero.remote_port == 0);
    CHECK(only_target("65535@/,65535@10.0.0.2/").target.remote_port == 65535);
    CHECK(only_target("00010@/,@10.0.0.2/").target.local_port == 10);
    // kstrtou16 allows one trailing newline even inside the boot string.
    CHECK(only_target("@/,6666\n@10.0.0.2/").target.remote_port == 6666);
}

TEST_CASE("a bad port stops at the port text", "[netconsole_string]") {
    check_stops({
         {"65536@/,@10.0.0.2/", "65536", 0, "at most 65535"},
         {"@/,70000@10.0.0.2/", "70000", 3, "at most 65535"},
         {"-1@/,@10.0.0.2/", "-1", 0, "decimal number"},
         {"0x10@/,@10.0.0.2/", "0x10", 0, "decimal number"},
         {"syslog@/,@10.0.0.2/", "syslog", 0, "decimal number"},
         {" 6665@/,@10.0.0.2/", " 6665", 0, "whitespace"},
         {"6665 @/,@10.0.0.2/", "6665 ", 0, "whitespace"},
         {"@/, 6666@10.0.0.2/", " 6666", 3, "whitespace"},
         {"@/,\t6666@10.0.0.2/", "\t6666", 3, "whitespace"},
         {"@/,,@10.0.0.2/", ",", 3, "decimal number"},
         {"6665/eth0,6666@10.0.0.2/", "6665/eth0,6666", 0, "'@' after the source port"},
         {"@10.0.0.1/eth0,6666/10.0.0.2/", "6666/10.0.0.2/", 15, "the form is"},
    });
}

TEST_CASE("a missing separator stops at everything that is left", "[netconsole_string]") {
    check_stops({
        {"10.0.0.2", "10.0.0.2", 0, "the form is"},
        {"6666", "6666", 0, "the form is"},
        {"@", "", 1, "the form is"},
        {"@10.0.0.1", "10.0.0.1", 1, "the form is"},
        {"6666@10.0.0.2", "10.0.0.2", 5, "the form is"},
        {"@/", "", 2, "the form is"},
        {"@/eth0", "eth0", 2, "the form is"},
        {"@/eth0@10.0.0.2/", "eth0@10.0.0.2/", 2, "the form is"},
        {"@/,", "", 3, "the form is"},
        {"@/,6666", "6666", 3, "the form is"},
        {"@/,@", "", 4, "target IP is required"},
        {"@/,@10.0.0.2", "10.0.0.2", 4, "end the target IP with '/'"},
        {"@/,@fd00::2", "fd00::2", 4, "end the target IP with '/'"},
        {"@/,6666@10.0.0.2 ", "10.0.0.2 ", 8, "whitespace"},
    });
}

TEST_CASE("a missing final '/' after the target IP gets its own hint", "[netconsole_string]") {
    const auto stop = stop_of("6665@10.0.0.1/eth0,6666@10.0.0.2");
    CHECK(stop.at == "10.0.0.2");
    CHECK(stop.offset == 24);
    CHECK_THAT(stop.hint, Catch::Contains("end the target IP with '/'"));
    CHECK_THAT(stop_of("@/,@fd00::2").hint, Catch::Contains("end the target IP with '/'"));
}

TEST_CASE("the first '@' anywhere ends the source port", "[netconsole_string]") {
    // "6665" then no '@' until the target side: the port text spans both.
    const auto stop = stop_of("6665/eth0,6666@10.0.0.2/");
    CHECK(stop.at == "6665/eth0,6666");
    // A '@' inside the dev field is just part of the name.
    CHECK(*only_target("@/a@b,@10.0.0.2/").target.device_name() == "a@b");
}

TEST_CASE("IPv4 addresses follow in4_pton", "[netconsole_string]") {
    CHECK(only_target("@010.000.000.001/,@010.0.0.2/").target.local_ip == ip("10.0.0.1"));
    CHECK(only_target("@/,@010.0.0.2/").target.remote_ip == ip("10.0.0.2"));
    CHECK(only_target("@/,@255.255.255.255/").target.remote_ip == ip("255.255.255.255"));
    CHECK(only_target("@/,@0.0.0.0/").target.remote_ip == ip("0.0.0.0"));
    for (const char* value : {"@/,@10.1/", "@/,@256.0.0.1/", "@/,@1.2.3.4./", "@/,@1.2.3/"}) {
        INFO(value);
        const auto stop = stop_of(value);
        CHECK(stop.offset == 4);
        CHECK(stop.at == std::string(value).substr(4, std::string(value).size() - 5));
    }
}

TEST_CASE("IPv6 addresses follow in6_pton", "[netconsole_string]") {
    const auto t = only_target("6665@fd00::1/eth0,6666@fd00::2/aa:bb:cc:dd:ee:ff").target;
    CHECK(t.local_ip == ip("fd00::1"));
    CHECK(t.remote_ip == ip("fd00::2"));
    CHECK(t.family() == ncs::IpFamily::v6);
    CHECK(only_target("@/,@::ffff:10.0.0.2/").target.remote_ip == ip("::ffff:10.0.0.2"));
    CHECK(only_target("@/,@::ffff:10.0.0.2/").target.remote_ip.is_v6());
    CHECK(only_target("@/,@FE80::1/").target.remote_ip == ip("fe80::1"));
    CHECK(only_target("@/,@1:2:3:4:5:6:7::/").target.remote_ip == ip("1:2:3:4:5:6:7:0"));
    CHECK(only_target("@/,@::/").target.remote_ip == ip("::"));
    for (const char* value : {"@/,@:::/", "@/,@1::2::3/", "@/,@1:2:3:4:5:6:7:8:9/",
                              "@/,@fd00::1:/", "@/,@:1::/", "@/,@::1.2.3.4:5/"}) {
        INFO(value);
        const auto stop = stop_of(value);
        CHECK(stop.offset == 4);
    }
}

TEST_CASE("an explicit 0.0.0.0 or :: source means the kernel picks, but pins the family",
          "[netconsole_string]") {
    const auto v4 = only_target("@0.0.0.0/,@10.0.0.2/");
    CHECK_FALSE(v4.target.local_ip);
    CHECK(std::find(v4.defaulted.begin(), v4.defaulted.end(), Field::local_ip) ==
          v4.defaulted.end());
    CHECK_FALSE(only_target("@::/,@fd00::2/").target.local_ip);

    const auto mismatch = stop_of("0@0.0.0.0/eth1,0@::/");
    CHECK(mismatch.at == "::");
    CHECK(mismatch.offset == 17);
    CHECK_THAT(mismatch.hint, Catch::Contains("use one family"));
    CHECK(stop_of("@::/,@10.0.0.2/").at == "10.0.0.2");
}

TEST_CASE("the target IP must have the source IP's family", "[netconsole_string]") {
    const auto v4_then_v6 = stop_of("@10.0.0.1/,@fd00::2/");
    CHECK(v4_then_v6.at == "fd00::2");
    CHECK(v4_then_v6.offset == 12);
    CHECK_THAT(v4_then_v6.hint, Catch::Contains("IPv4"));
    const auto v6_then_v4 = stop_of("@fd00::1/,@10.0.0.2/");
    CHECK(v6_then_v4.at == "10.0.0.2");
    CHECK(v6_then_v4.offset == 11);
    // Without a source IP the family follows the target.
    CHECK(only_target("@/,@fd00::2/").target.family() == ncs::IpFamily::v6);
}

TEST_CASE("bad IPs get hints for brackets, zones, host names and ports", "[netconsole_string]") {
    check_stops({
         {"@/,@[fd00::2]/", "[fd00::2]", 4, "without brackets"},
         {"@[fd00::1]/,@fd00::2/", "[fd00::1]", 1, "without brackets"},
         {"@/,@fe80::1%eth0/", "fe80::1%eth0", 4, "no zone"},
         {"@fe80::1%eth0/eth0,@fe80::2/", "fe80::1%eth0", 1, "no zone"},
         {"@/,@loghost/", "loghost", 4, "not a host name"},
         {"@/,@log.example.com/", "log.example.com", 4, "not a host name"},
         {"@/,@10.0.0.2:514/", "10.0.0.2:514", 4, "port goes before"},
         {"@/,@/", "", 4, "target IP is required"},
         {"@/,@ 10.0.0.2/", " 10.0.0.2", 4, "whitespace"},
         {"@/,@10.0.0.2 /", "10.0.0.2 ", 4, "whitespace"},
         {"@/,@1.2.3.999/", "1.2.3.999", 4, "IPv4 or IPv6"},
         {"@/,@loghost", "loghost", 4, "not a host name"},
         {"@/,@[fd00::2]", "[fd00::2]", 4, "without brackets"},
         {"@[fd00::1]", "[fd00::1]", 1, "without brackets"},
    });
}

TEST_CASE("the target MAC is read by mac_pton and may have trailing text",
          "[netconsole_string]") {
    CHECK(only_target("@/,@10.0.0.2/AA:BB:CC:DD:EE:FF").target.remote_mac ==
          mac("aa:bb:cc:dd:ee:ff"));
    CHECK(only_target("@/,@10.0.0.2/00:11:22:33:44:55:66").target.remote_mac ==
          mac("00:11:22:33:44:55"));
    CHECK(only_target("@/,@10.0.0.2/00:11:22:33:44:55/junk").target.remote_mac ==
          mac("00:11:22:33:44:55"));
    CHECK(only_target("@/,@10.0.0.2/00:11:22:33:44:55 ").target.remote_mac ==
          mac("00:11:22:33:44:55"));
    CHECK(only_target("@/,@10.0.0.2/00:00:00:00:00:00").target.remote_mac == MacAddress{});
    CHECK(only_target("@/,@10.0.0.2/01:00:5e:00:00:01").target.remote_mac ==
          mac("01:00:5e:00:00:01"));
}

TEST_CASE("a bad target MAC stops at the MAC text with a hint", "[netconsole_string]") {
    check_stops({
         {"@/,@10.0.0.2/aa-bb-cc-dd-ee-ff", "aa-bb-cc-dd-ee-ff", 13, "not '-'"},
         {"6665@10.0.0.1/eth0,6666@10.0.0.2/24", "24", 33, "no prefix length"},
         {"@/,@10.0.0.2/24/aa:bb:cc:dd:ee:ff", "24/aa:bb:cc:dd:ee:ff", 13,
          "no prefix length"},
         {"@/,@fd00::2/64", "64", 12, "no prefix length"},
         {"@/,@10.0.0.2/ ", " ", 13, "whitespace"},
         {"@/,@10.0.0.2/ aa:bb:cc:dd:ee:ff", " aa:bb:cc:dd:ee:ff", 13, "whitespace"},
         {"@/,@10.0.0.2//", "/", 13, "six two-digit hex pairs"},
         {"@/,@10.0.0.2/aa:bb:cc:dd:ee:f", "aa:bb:cc:dd:ee:f", 13, "six two-digit"},
         {"@/,@10.0.0.2/aabb.ccdd.eeff", "aabb.ccdd.eeff", 13, "six two-digit"},
         {"@/,@10.0.0.2/aabbccddeeff", "aabbccddeeff", 13, "six two-digit"},
         {"@/,@10.0.0.2/a:b:c:d:e:f", "a:b:c:d:e:f", 13, "six two-digit"},
         {"@/,@10.0.0.2/gg:bb:cc:dd:ee:ff", "gg:bb:cc:dd:ee:ff", 13, "six two-digit"},
    });
}

TEST_CASE("a CIDR suffix on the source IP becomes the device name, with a warning",
          "[netconsole_string]") {
    const auto prefix_only = only_target("@10.0.0.1/24,@10.0.0.2/");
    CHECK(*prefix_only.target.device_name() == "24");
    const auto prefix_and_dev = only_target("@10.0.0.1/24/eth0,@10.0.0.2/");
    CHECK(*prefix_and_dev.target.device_name() == "24/eth0");
    const auto warnings = parse("@10.0.0.1/24/eth0,@10.0.0.2/").warnings;
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0].hint, Catch::Contains("no prefix length"));
}

TEST_CASE("device names are copied as is and cut to 15 characters", "[netconsole_string]") {
    CHECK(*only_target("@/enp0s31f6,@10.0.0.2/").target.device_name() == "enp0s31f6");
    CHECK(*only_target("@/abcdefghijklmno,@10.0.0.2/").target.device_name() ==
          "abcdefghijklmno");
    CHECK(parse("@/abcdefghijklmno,@10.0.0.2/").warnings.empty());

    const auto long_name = parse("@/abcdefghijklmnopqrst,@10.0.0.2/");
    CHECK(*long_name.targets[0].target.device_name() == "abcdefghijklmno");
    REQUIRE(long_name.warnings.size() == 1);
    CHECK_THAT(long_name.warnings[0].message, Catch::Contains("truncates it to 'abcdefghijklmno'"));

    // A space inside dev is part of the name: the kernel fails only at setup.
    const auto spaced = parse("@/my dev,@10.0.0.2/");
    CHECK(*spaced.targets[0].target.device_name() == "my dev");
    REQUIRE(spaced.warnings.size() == 1);
    CHECK_THAT(spaced.warnings[0].message, Catch::Contains("whitespace"));
}

TEST_CASE("a dev field with ':' selects the device by MAC (Linux 6.15+)", "[netconsole_string]") {
    const auto parsed = parse("@/52:54:00:12:34:56,@10.0.0.2/");
    const Target& t = parsed.targets[0].target;
    REQUIRE(t.device_mac());
    CHECK(*t.device_mac() == mac("52:54:00:12:34:56"));
    CHECK_FALSE(t.device_name());
    REQUIRE(parsed.warnings.size() == 1);
    CHECK_THAT(parsed.warnings[0].message, Catch::Contains("needs Linux 6.15 or newer"));
    // mac_pton ignores what follows the 17th character here too.
    CHECK(*only_target("@/52:54:00:12:34:56:78,@10.0.0.2/").target.device_mac() ==
          mac("52:54:00:12:34:56"));
    CHECK(*only_target("@/52:54:00:12:34:56 x,@10.0.0.2/").target.device_mac() ==
          mac("52:54:00:12:34:56"));
}

TEST_CASE("a dev field with ':' that is no MAC stops at the dev text", "[netconsole_string]") {
    const auto alias = stop_of("@/eth0:1,@10.0.0.2/");
    CHECK(alias.at == "eth0:1");
    CHECK(alias.offset == 2);
    CHECK_THAT(alias.hint, Catch::Contains("alias"));
    const auto dashed_colon = stop_of("@10.0.0.1/52:54:00:12:34,@10.0.0.2/");
    CHECK(dashed_colon.at == "52:54:00:12:34");
    CHECK(dashed_colon.offset == 10);
    const auto no_comma = stop_of("@/52:54:00:12:34:56");
    CHECK(no_comma.at == "52:54:00:12:34:56");
    CHECK(no_comma.offset == 2);
}

TEST_CASE("empty targets are errors at their position", "[netconsole_string]") {
    const auto alone = stop_of(";");
    CHECK(alone.at.empty());
    CHECK(alone.offset == 0);
    CHECK_THAT(alone.hint, Catch::Contains("empty target"));
    const auto trailing = stop_of("@/,@10.0.0.2/;");
    CHECK(trailing.offset == 14);
    CHECK(trailing.at.empty());
    const auto doubled = stop_of("@/,@10.0.0.2/;;@/,@10.0.0.3/");
    CHECK(doubled.offset == 14);
    const auto leading = stop_of(";@/,@10.0.0.2/");
    CHECK(leading.offset == 0);
}

TEST_CASE("whitespace is never trimmed", "[netconsole_string]") {
    const auto second = stop_of("@/,@10.0.0.2/; @/,@10.0.0.3/");
    CHECK(second.at == " ");
    CHECK(second.offset == 14);
    CHECK_THAT(second.hint, Catch::Contains("whitespace"));
    const auto leading = stop_of(" @/,@10.0.0.2/");
    CHECK(leading.at == " ");
    CHECK(leading.offset == 0);
}

TEST_CASE("a value longer than 255 characters is an input error, 255 is fine",
          "[netconsole_string]") {
    std::string value = "@/,@10.0.0.2/aa:bb:cc:dd:ee:ff";
    value.resize(255, 'x');
    CHECK(only_target(value).target.remote_mac == mac("aa:bb:cc:dd:ee:ff"));
    value += 'x';
    try {
        parse(value);
        FAIL("accepted 256 characters");
    } catch (const ParseError&) {
        FAIL("expected a plain InputError");
    } catch (const InputError& error) {
        CHECK_THAT(error.hint(), Catch::Contains("at most 255 characters"));
    }
}

TEST_CASE("a NUL character is an input error", "[netconsole_string]") {
    using namespace std::string_view_literals;
    CHECK_THROWS_AS(parse("@/,@10.0.0.2/\0"sv), InputError);
}

TEST_CASE("strip_parameter_name removes the name and one pair of quotes", "[netconsole_string]") {
    CHECK(strip_parameter_name("netconsole=@/,@10.0.0.2/") == "@/,@10.0.0.2/");
    CHECK(strip_parameter_name("netconsole.netconsole=@/,@10.0.0.2/") == "@/,@10.0.0.2/");
    CHECK(strip_parameter_name("netconsole=\"@/,@1.2.3.4/;@/,@1.2.3.5/\"") ==
          "@/,@1.2.3.4/;@/,@1.2.3.5/");
    CHECK(strip_parameter_name("\"netconsole=@/my dev,@1.2.3.4/\"") == "@/my dev,@1.2.3.4/");
    CHECK(strip_parameter_name("\"@/,@1.2.3.4/\"") == "@/,@1.2.3.4/");
    CHECK(strip_parameter_name("\"\"x\"\"") == "\"x\"");
    CHECK(strip_parameter_name("@/,@1.2.3.4/") == "@/,@1.2.3.4/");
    CHECK(strip_parameter_name("netconsole=") == "");
    CHECK(strip_parameter_name("netconsole=\"") == "\"");
    CHECK(strip_parameter_name("other=x") == "other=x");
}

TEST_CASE("format writes the full explicit form", "[netconsole_string]") {
    Target t;
    t.local_ip = ip("10.0.0.1");
    t.remote_ip = ip("10.0.0.2");
    t.remote_mac = mac("AA:BB:CC:DD:EE:FF");
    CHECK(format(t) == "6665@10.0.0.1/eth0,6666@10.0.0.2/aa:bb:cc:dd:ee:ff");

    Target defaults;
    defaults.remote_ip = ip("10.0.0.2");
    CHECK(format(defaults) == "6665@0.0.0.0/eth0,6666@10.0.0.2/ff:ff:ff:ff:ff:ff");

    Target v6;
    v6.extended = true;
    v6.release = true;
    v6.device = mac("52:54:00:12:34:56");
    v6.remote_ip = ip("fd00:0:0:0:0:0:0:2");
    v6.local_port = 1;
    v6.remote_port = 514;
    CHECK(format(v6) == "+r1@::/52:54:00:12:34:56,514@fd00::2/ff:ff:ff:ff:ff:ff");

    Target zoned;
    zoned.local_ip = ip("fe80::1%eth0");
    zoned.remote_ip = ip("fe80::2%eth0");
    CHECK(format(zoned) == "6665@fe80::1/eth0,6666@fe80::2/ff:ff:ff:ff:ff:ff");
}

TEST_CASE("format refuses targets the string cannot express", "[netconsole_string]") {
    Target release_only;
    release_only.release = true;
    CHECK_THROWS_AS(format(release_only), InputError);

    Target mixed;
    mixed.local_ip = ip("fd00::1");
    CHECK_THROWS_AS(format(mixed), InputError);

    for (const char* name : {"", "abcdefghijklmnop", "eth0:1", "a,b", "a;b"}) {
        INFO(name);
        Target t;
        t.device = std::string(name);
        CHECK_THROWS_AS(format(t), InputError);
    }
}

TEST_CASE("format joins targets with semicolons and keeps to 255 characters", "[netconsole_string]") {
    Target a;
    a.remote_ip = ip("10.0.0.2");
    Target b = a;
    b.extended = true;
    const std::vector<Target> two{a, b};
    CHECK(format(std::span<const Target>(two)) ==
          "6665@0.0.0.0/eth0,6666@10.0.0.2/ff:ff:ff:ff:ff:ff;"
          "+6665@0.0.0.0/eth0,6666@10.0.0.2/ff:ff:ff:ff:ff:ff");
    CHECK(format(std::span<const Target>()).empty());

    Target wide;
    wide.local_ip = ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1");
    wide.remote_ip = ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff2");
    const std::vector<Target> three{wide, wide, wide};
    CHECK_THROWS_AS(format(std::span<const Target>(three)), InputError);
}

TEST_CASE("parse(format(t)) gives t back", "[netconsole_string]") {
    Target t;
    t.extended = true;
    t.release = true;
    t.local_port = 0;
    t.local_ip = ip("fd00::1");
    t.device = std::string("abcdefghijklmno");
    t.remote_port = 65535;
    t.remote_ip = ip("fd00::2");
    t.remote_mac = mac("00:11:22:33:44:55");
    CHECK(only_target(format(t)).target == t);

    // An unspecified source comes back as "no source": both mean the kernel picks.
    Target unspecified;
    unspecified.local_ip = ip("0.0.0.0");
    unspecified.remote_ip = ip("10.0.0.2");
    CHECK_FALSE(only_target(format(unspecified)).target.local_ip);
}

namespace {

Target random_target(std::mt19937& rng) {
    auto pick = [&rng](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(rng);
    };
    auto byte = [&] { return static_cast<std::uint8_t>(pick(0, 255)); };
    Target t;
    t.extended = pick(0, 1) == 1;
    t.release = t.extended && pick(0, 1) == 1;
    t.local_port = static_cast<std::uint16_t>(pick(0, 65535));
    t.remote_port = static_cast<std::uint16_t>(pick(0, 65535));
    const bool v6 = pick(0, 1) == 1;
    auto address = [&] {
        if (!v6) {
            return IpAddress::v4({byte(), byte(), byte(), byte()});
        }
        std::array<std::uint8_t, 16> bytes{};
        for (auto& b : bytes) {
            // Zero runs of random length exercise the "::" compression.
            b = pick(0, 2) == 0 ? 0 : byte();
        }
        return IpAddress::v6(bytes);
    };
    t.remote_ip = address();
    if (pick(0, 2) != 0) {
        t.local_ip = address();
        if (t.local_ip->is_unspecified()) {
            t.local_ip.reset();
        }
    }
    if (pick(0, 3) == 0) {
        t.device = MacAddress({byte(), byte(), byte(), byte(), byte(), byte()});
    } else {
        static constexpr std::string_view k_chars =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@/";
        std::string name;
        const int length = pick(1, 15);
        for (int i = 0; i < length; ++i) {
            name += k_chars[static_cast<std::size_t>(pick(0, int(k_chars.size()) - 1))];
        }
        t.device = name;
    }
    t.remote_mac = MacAddress({byte(), byte(), byte(), byte(), byte(), byte()});
    return t;
}

} // namespace

TEST_CASE("random valid targets survive format then parse", "[netconsole_string][property]") {
    std::mt19937 rng(20240601);
    for (int round = 0; round < 3000; ++round) {
        const Target t = random_target(rng);
        const std::string text = format(t);
        INFO(text);
        const auto result = parse(text);
        REQUIRE(result.targets.size() == 1);
        CHECK(result.targets[0].target == t);
        CHECK(result.targets[0].text == text);
    }
}

TEST_CASE("random target lists survive format then parse", "[netconsole_string][property]") {
    std::mt19937 rng(99);
    for (int round = 0; round < 500; ++round) {
        std::vector<Target> targets;
        std::string text;
        while (true) {
            targets.push_back(random_target(rng));
            try {
                text = format(std::span<const Target>(targets));
            } catch (const InputError&) {
                targets.pop_back();
                break;
            }
        }
        text = format(std::span<const Target>(targets));
        INFO(text);
        const auto result = parse(text);
        REQUIRE(result.targets.size() == targets.size());
        for (std::size_t i = 0; i < targets.size(); ++i) {
            CHECK(result.targets[i].target == targets[i]);
            CHECK(text.substr(result.targets[i].offset, result.targets[i].text.size()) ==
                  result.targets[i].text);
        }
    }
}

TEST_CASE("random mutations never crash and errors point inside the input",
          "[netconsole_string][property]") {
    std::mt19937 rng(7);
    static constexpr std::string_view k_alphabet = "0123456789abcdefABCDEF:.@/,;+r% []-\t\nxyz";
    auto pick = [&rng](std::size_t high) {
        return std::uniform_int_distribution<std::size_t>(0, high)(rng);
    };
    std::size_t parsed = 0;
    std::size_t rejected = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = format(random_target(rng));
        const std::size_t edits = 1 + pick(3);
        for (std::size_t e = 0; e < edits; ++e) {
            const char c = k_alphabet[pick(k_alphabet.size() - 1)];
            switch (pick(2)) {
            case 0: text.insert(pick(text.size()), 1, c); break;
            case 1:
                if (!text.empty()) {
                    text.erase(pick(text.size() - 1), 1);
                }
                break;
            default:
                if (!text.empty()) {
                    text[pick(text.size() - 1)] = c;
                }
            }
        }
        INFO(text);
        try {
            const auto result = parse(text);
            ++parsed;
            for (const auto& target : result.targets) {
                CHECK(text.substr(target.offset, target.text.size()) == target.text);
            }
        } catch (const ParseError& error) {
            ++rejected;
            REQUIRE(error.offset() <= text.size());
            CHECK(text.substr(error.offset(), error.at().size()) == error.at());
            CHECK(std::string(error.what()) == "couldn't parse config at '" + error.at() + "'");
        }
    }
    // Both outcomes must actually occur, or the test proves nothing.
    CHECK(parsed > 1000);
    CHECK(rejected > 1000);
}
