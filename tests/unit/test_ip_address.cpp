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
