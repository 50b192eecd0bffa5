#include "receive/ack.hpp"
#include "receive/allow.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

using namespace ncs::receive;

namespace {
Record record_with(std::string text, std::size_t wire_bytes = 200) {
    Record record;
    record.text = std::move(text);
    record.wire_bytes = wire_bytes;
    return record;
}
} // namespace

TEST_CASE("test markers as `test` makes them") {
    CHECK(is_test_marker("ncs-test-1764622800-0a1b2c3d"));
    CHECK(is_test_marker("ncs-test-doctor-1764622800-0a1b2c3d"));
    CHECK(is_test_marker("ncs-test-a-b-1-00000000"));
    CHECK_FALSE(is_test_marker("ncs-test-1764622800-0A1B2C3D")); // uppercase hex
    CHECK_FALSE(is_test_marker("ncs-test-1764622800-0a1b2c3"));
    CHECK_FALSE(is_test_marker("ncs-test--1764622800-0a1b2c3d"));
    CHECK_FALSE(is_test_marker("ncs-test-x-0a1b2c3d"));
    CHECK_FALSE(is_test_marker("ncs-test-doc tor-1-0a1b2c3d"));
    CHECK_FALSE(is_test_marker("other-1-0a1b2c3d"));
    CHECK_FALSE(is_test_marker("ncs-test-" + std::string(300, 'n') + "-1-0a1b2c3d"));
}

TEST_CASE("the ack answers a test record, and only a test record") {
    const auto reply = ack_reply(record_with("netconsole-setup: test message ncs-test-1-0a1b2c3d"));
    REQUIRE(reply);
    CHECK(*reply == "netconsole-setup ack ncs-test-1-0a1b2c3d");
    CHECK(parse_ack(*reply) == std::optional<std::string>("ncs-test-1-0a1b2c3d"));
    CHECK_FALSE(ack_reply(record_with("netconsole-setup: test message ncs-test-1-0a1b2c3d trailer")));
    CHECK_FALSE(ack_reply(record_with("something netconsole-setup: test message ncs-test-1-0a1b2c3d")));
    CHECK_FALSE(ack_reply(record_with("hello")));
}

TEST_CASE("the ack is never larger than the record it answers") {
    const std::string text = "netconsole-setup: test message ncs-test-1-0a1b2c3d";
    CHECK(ack_reply(record_with(text, 40)).has_value());
    CHECK_FALSE(ack_reply(record_with(text, 20)));
}

TEST_CASE("parse_ack refuses anything else") {
    CHECK_FALSE(parse_ack("netconsole-setup ack "));
    CHECK_FALSE(parse_ack("netconsole-setup ack ncs-test-1-0a1b2c3d\n"));
    CHECK_FALSE(parse_ack("6,1,2,-;netconsole-setup ack ncs-test-1-0a1b2c3d"));
}

TEST_CASE("networks of --allow") {
    const auto v4 = SenderKey::from(ncs::IpAddress::parse("10.1.2.3"), 6665);
    const auto v6 = SenderKey::from(ncs::IpAddress::parse("2001:db8:1::2"), 6665);
    CHECK(Cidr::parse("10.0.0.0/8").contains(v4));
    CHECK(Cidr::parse("10.1.2.3").contains(v4));
    CHECK_FALSE(Cidr::parse("10.1.2.4").contains(v4));
    CHECK(Cidr::parse("10.1.2.0/23").contains(v4));
    CHECK_FALSE(Cidr::parse("10.1.4.0/23").contains(v4));
    CHECK(Cidr::parse("0.0.0.0/0").contains(v4));
    CHECK_FALSE(Cidr::parse("0.0.0.0/0").contains(v6));
    CHECK(Cidr::parse("2001:db8::/32").contains(v6));
    CHECK_FALSE(Cidr::parse("2001:db9::/32").contains(v6));
    CHECK(allowed({}, v4));
    CHECK(allowed({Cidr::parse("192.0.2.0/24"), Cidr::parse("10.0.0.0/8")}, v4));
    CHECK_THROWS_AS(Cidr::parse("10.0.0.1/8"), ncs::InputError);
    CHECK_THROWS_AS(Cidr::parse("10.0.0.0/33"), ncs::InputError);
    CHECK_THROWS_AS(Cidr::parse("10.0.0.0/"), ncs::InputError);
    CHECK_THROWS_AS(Cidr::parse("host.example/8"), ncs::InputError);
    CHECK_THROWS_AS(Cidr::parse("fe80::/10%eth0"), ncs::InputError);
}

TEST_CASE("a bad allowed network is the allow field's error, its hint mentions the field") {
    try {
        Cidr::parse("::ffff:10.5.0.0/120");
        FAIL("a mapped network was taken");
    } catch (const ncs::FieldError& e) {
        CHECK(e.field() == ncs::Field::allow);
        CHECK(e.text() == "'::ffff:10.5.0.0/120' is an IPv4-mapped IPv6 network, which never "
                          "matches: IPv4 senders are matched as IPv4");
        CHECK(e.hint() ==
              "write the IPv4 network, e.g. " + ncs::mention(ncs::Field::allow) + " 10.5.0.0/24");
    }
    CHECK_THROWS_AS(Cidr::parse("10.0.0.1/8"), ncs::FieldError);
    CHECK_THROWS_AS(Cidr::parse("10.0.0.0/33"), ncs::FieldError);
    CHECK_THROWS_AS(Cidr::parse("host.example/8"), ncs::FieldError);
}

TEST_CASE("allow refuses mapped networks and leading zeros and a scope limits a zoned network") {
    CHECK_THROWS_AS(Cidr::parse("::ffff:10.5.0.0/120"), ncs::InputError);
    CHECK_THROWS_AS(Cidr::parse("10.0.0.0/08"), ncs::InputError);
    CHECK_THROWS_AS(Cidr::parse("2001:db8::/032"), ncs::InputError);
    CHECK(Cidr::parse("0.0.0.0/0").prefix == 0);
    auto zoned = Cidr::parse("fe80::a%3");
    CHECK(zoned.network.zone() == "3");
    zoned.scope = 3;
    const auto on = [](std::uint32_t scope) {
        return SenderKey::from(ncs::IpAddress::parse("fe80::a"), 6665, scope);
    };
    CHECK(zoned.contains(on(3)));
    CHECK_FALSE(zoned.contains(on(4)));
}
