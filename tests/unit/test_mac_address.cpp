#include "model/errors.hpp"
#include "model/mac_address.hpp"

#include <catch2/catch.hpp>

using ncs::MacAddress;

TEST_CASE("MAC addresses parse in any case and print lowercase") {
    CHECK(MacAddress::parse("AA:bb:CC:0d:0E:ff").to_string() == "aa:bb:cc:0d:0e:ff");
    CHECK(MacAddress::broadcast().is_broadcast());
    CHECK(MacAddress::parse("52:54:00:12:34:56").is_unicast());
    CHECK(MacAddress::parse("01:00:5e:00:00:01").is_multicast());
    CHECK(MacAddress{}.is_zero());
}

TEST_CASE("a MAC with '-' separators gets a hint") {
    try {
        MacAddress::parse("52-54-00-12-34-56");
        FAIL("accepted");
    } catch (const ncs::InputError& e) {
        CHECK(std::string(e.what()) == "'52-54-00-12-34-56' is not a MAC address");
        CHECK(e.hint() == "use ':' between the pairs, not '-'");
    }
    CHECK_FALSE(MacAddress::try_parse("52:54:00:12:34"));
    CHECK_FALSE(MacAddress::try_parse("52:54:00:12:34:56:78"));
    CHECK_FALSE(MacAddress::try_parse("525400123456"));
}
