#include "model/errors.hpp"
#include "model/ip_address.hpp"

#include <catch2/catch.hpp>

using ncs::IpAddress;

TEST_CASE("IPv6 addresses print in RFC 5952 form") {
    CHECK(IpAddress::parse("2001:0DB8:0000:0000:0000:0000:0000:0001").to_string() == "2001:db8::1");
    CHECK(IpAddress::parse("2001:db8:0:1:0:0:0:1").to_string() == "2001:db8:0:1::1");
    CHECK(IpAddress::parse("2001:db8:0:0:1:0:0:1").to_string() == "2001:db8::1:0:0:1");
    CHECK(IpAddress::parse("2001:db8:0:1:1:1:1:1").to_string() == "2001:db8:0:1:1:1:1:1");
    CHECK(IpAddress::parse("::").to_string() == "::");
    CHECK(IpAddress::parse("::1").to_string() == "::1");
    CHECK(IpAddress::parse("::ffff:192.0.2.1").to_string() == "::ffff:192.0.2.1");
    CHECK(IpAddress::parse("fe80::").to_string() == "fe80::");
}

TEST_CASE("a zone is kept from tool input but never printed by to_string") {
    const auto a = IpAddress::parse("fe80::1%eth0");
    CHECK(a.zone() == "eth0");
    CHECK(a.to_string() == "fe80::1");
    CHECK(a.to_string_with_zone() == "fe80::1%eth0");
    CHECK(a.is_link_local());
    CHECK(IpAddress::parse("[2001:db8::5]").to_string() == "2001:db8::5");
}

TEST_CASE("invalid tool input is refused with the text named") {
    CHECK_THROWS_WITH(IpAddress::parse("10.0.0"), Catch::Contains("'10.0.0'"));
    CHECK_THROWS_AS(IpAddress::parse("10.0.0.1%eth0"), ncs::InputError);
    CHECK_THROWS_AS(IpAddress::parse("fe80::1%"), ncs::InputError);
    CHECK_FALSE(IpAddress::try_parse("doctor.example"));
}

TEST_CASE("address classes") {
    CHECK(IpAddress::parse("127.0.0.1").is_loopback());
    CHECK(IpAddress::parse("224.0.0.1").is_multicast());
    CHECK(IpAddress::parse("ff02::1").is_multicast());
    CHECK(IpAddress::parse("169.254.1.1").is_link_local());
    CHECK(IpAddress::parse("255.255.255.255").is_limited_broadcast());
    CHECK(IpAddress::parse("0.0.0.0").is_unspecified());
    CHECK_FALSE(IpAddress::parse("192.0.2.1").is_unspecified());
}

TEST_CASE("digits and dots are a dotted quad of four decimal parts, or refused with the reason") {
    using Catch::Contains;
    CHECK_THROWS_WITH(IpAddress::parse("192.0.2.010"), Contains("leading zero"));
    try {
        IpAddress::parse("192.0.2.010");
    } catch (const ncs::InputError& e) {
        CHECK(e.hint() == "write it without leading zeros: 192.0.2.10");
    }
    CHECK_THROWS_WITH(IpAddress::parse("192.0.2.08"), Contains("leading zero"));
    CHECK_THROWS_WITH(IpAddress::parse("0177.0.0.1"), Contains("leading zero"));
    CHECK_THROWS_WITH(IpAddress::parse("1.2.3.99999999999999999999"),
                      Contains("part '99999999999999999999' is over 255"));
    CHECK_THROWS_WITH(IpAddress::parse("10.1"), Contains("it has 2 parts, not 4"));
    CHECK_THROWS_WITH(IpAddress::parse("3232235525"), Contains("it has 1 part, not 4"));
    CHECK_THROWS_WITH(IpAddress::parse("1.2.3.4.5"), Contains("it has 5 parts, not 4"));
    CHECK_THROWS_WITH(IpAddress::parse("192.0.2.256"), Contains("part '256' is over 255"));
    CHECK_THROWS_WITH(IpAddress::parse("192.0.2.1000"), Contains("part '1000' is over 255"));
    CHECK_THROWS_WITH(IpAddress::parse("192..2.1"), Contains("empty part"));
    CHECK_THROWS_WITH(IpAddress::parse("192.0.2.1."), Contains("it has 5 parts"));
    CHECK(IpAddress::parse("192.0.2.0").to_string() == "192.0.2.0");
    CHECK(IpAddress::parse("0.0.0.0").is_unspecified());
}

TEST_CASE("text that can only mean an address looks numeric, and host names do not") {
    CHECK(IpAddress::looks_numeric("192.0.2.010"));
    CHECK(IpAddress::looks_numeric("10.1"));
    CHECK(IpAddress::looks_numeric("3232235525"));
    CHECK(IpAddress::looks_numeric("2001:db8:::1")); // refused by parse(), never looked up
    CHECK_FALSE(IpAddress::looks_numeric("2001:db8::zz")); // not hex-ish: still no name
    CHECK(IpAddress::looks_numeric("fe80::1%eth0"));
    CHECK(IpAddress::looks_numeric("[2001:db8::1]"));
    CHECK(IpAddress::looks_numeric("::ffff:1.2.3.4"));
    CHECK_FALSE(IpAddress::looks_numeric("doctor.example"));
    CHECK_FALSE(IpAddress::looks_numeric("cafe"));       // a name, no colon
    CHECK_FALSE(IpAddress::looks_numeric("1host.example"));
    CHECK_FALSE(IpAddress::looks_numeric(""));
}

TEST_CASE("inet_aton's legacy forms are recognised, so they never reach getaddrinfo") {
    CHECK(IpAddress::parse_legacy_ipv4("10.1") == IpAddress::parse("10.0.0.1"));
    CHECK(IpAddress::parse_legacy_ipv4("3232235525") == IpAddress::parse("192.168.0.5"));
    CHECK(IpAddress::parse_legacy_ipv4("192.0.2.010") == IpAddress::parse("192.0.2.8"));
    CHECK(IpAddress::parse_legacy_ipv4("0x7f.1") == IpAddress::parse("127.0.0.1"));
    CHECK(IpAddress::parse_legacy_ipv4("0x7f000001") == IpAddress::parse("127.0.0.1"));
    CHECK(IpAddress::parse_legacy_ipv4("10.0x10.1") == IpAddress::parse("10.16.0.1"));
    CHECK(IpAddress::parse_legacy_ipv4("1.2.3.4") == IpAddress::parse("1.2.3.4"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("192.0.2.08")); // 8 is no octal digit
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("1.2.3.256"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("1.2.65536"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("4294967296"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("1.2.3.4.5"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("1.2.3."));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("doctor.example"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("1host"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4("0xfg"));
    CHECK_FALSE(IpAddress::parse_legacy_ipv4(""));
}

TEST_CASE("IPv4-mapped IPv6 addresses are recognised with their IPv4 address") {
    const auto mapped = IpAddress::parse("::ffff:192.0.2.5");
    CHECK(mapped.is_v4_mapped());
    CHECK(mapped.mapped_v4() == IpAddress::parse("192.0.2.5"));
    CHECK_FALSE(IpAddress::parse("2001:db8::5").is_v4_mapped());
    CHECK_FALSE(IpAddress::parse("::192.0.2.5").is_v4_mapped());
    CHECK_FALSE(IpAddress::parse("192.0.2.5").is_v4_mapped());
}
