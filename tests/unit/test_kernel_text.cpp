// Vectors for the kernel's text parsers, derived by tracing kstrtoull,
// in4_pton, in6_pton and mac_pton (see lib/grammar/kernel_text.cpp).
#include "grammar/kernel_text.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <random>
#include <string>

using ncs::IpAddress;
using ncs::IpFamily;
using ncs::MacAddress;
using ncs::kernel::parse_ip;
using ncs::kernel::parse_mac_prefix;
using ncs::kernel::parse_u16;

namespace {

std::string ip_text(std::string_view text) {
    const auto ip = parse_ip(text);
    return ip ? ip->to_string() : std::string("<rejected>");
}

std::string family_text(std::string_view text) {
    const auto ip = parse_ip(text);
    return ip ? std::string(ncs::to_string(ip->family())) : std::string("<rejected>");
}

} // namespace

TEST_CASE("parse_u16 accepts decimal 0..65535 with one optional plus and one newline",
          "[kernel_text]") {
    CHECK(parse_u16("0") == 0);
    CHECK(parse_u16("6665") == 6665);
    CHECK(parse_u16("65535") == 65535);
    CHECK(parse_u16("+6665") == 6665);
    CHECK(parse_u16("6665\n") == 6665);
    CHECK(parse_u16("+1\n") == 1);
    // Leading zeros are decimal, not octal, and unlimited.
    CHECK(parse_u16("010") == 10);
    CHECK(parse_u16("0000000000000000000006666") == 6666);
}

TEST_CASE("parse_u16 rejects signs, spaces, hex, empty text and overflow", "[kernel_text]") {
    for (const char* text : {"", "+", "\n", "+\n", "++1", "-1", " 1", "1 ", "\t1", "0x10",
                             "1a", "a", "65536", "99999", "18446744073709551616", "1\n\n",
                             "1\r", "1.0", "1,0", "+-1", "1+"}) {
        INFO(text);
        CHECK_FALSE(parse_u16(text));
    }
}

TEST_CASE("parse_ip reads IPv4 like in4_pton: four decimal parts, leading zeros decimal",
          "[kernel_text]") {
    CHECK(ip_text("10.0.0.1") == "10.0.0.1");
    CHECK(ip_text("010.0.0.1") == "10.0.0.1");
    CHECK(ip_text("0000192.000168.0001.0001") == "192.168.1.1");
    CHECK(ip_text("0.0.0.0") == "0.0.0.0");
    CHECK(ip_text("255.255.255.255") == "255.255.255.255");
    CHECK(ip_text("1.2.3.4\n") == "1.2.3.4");
    CHECK(family_text("1.2.3.4") == "IPv4");
}

TEST_CASE("parse_ip rejects IPv4 shorthand, overflow, junk and whitespace", "[kernel_text]") {
    for (const char* text :
         {"", "1", "1.2", "1.2.3", "10.1", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5",
          "256.0.0.1", "1.2.3.256", "1.2.3.1000", "0x1.2.3.4", "1.2.3.4 ", " 1.2.3.4",
          "1.2.3.4/24", "1.2.3.4:80", "1.2.3.a", "a.b.c.d", "1.2.3.4\n\n", "1.2.3.-4",
          "+1.2.3.4", "1.2.3.4x", "localhost", "1,2,3,4"}) {
        INFO(text);
        CHECK_FALSE(parse_ip(text));
    }
}

TEST_CASE("parse_ip reads standard IPv6 forms", "[kernel_text]") {
    CHECK(ip_text("::") == "::");
    CHECK(ip_text("::1") == "::1");
    CHECK(ip_text("1::") == "1::");
    CHECK(ip_text("fd00::2") == "fd00::2");
    CHECK(ip_text("FD00::ABCD") == "fd00::abcd");
    CHECK(ip_text("fe80::1") == "fe80::1");
    CHECK(ip_text("2001:db8:0:0:0:0:0:1") == "2001:db8::1");
    CHECK(ip_text("1:2:3:4:5:6:7:8") == "1:2:3:4:5:6:7:8");
    CHECK(ip_text("1::8") == "1::8");
    CHECK(ip_text("1:2:3:4:5:6::8") == "1:2:3:4:5:6:0:8");
    CHECK(ip_text("1::3:4:5:6:7:8") == "1:0:3:4:5:6:7:8");
    CHECK(ip_text("::2:3:4:5:6:7:8") == "0:2:3:4:5:6:7:8");
    CHECK(ip_text("1:2:3:4:5:6:7::") == "1:2:3:4:5:6:7:0");
    CHECK(ip_text("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") ==
          "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(ip_text("fd00::2\n") == "fd00::2");
    CHECK(family_text("::") == "IPv6");
    CHECK(family_text("::1") == "IPv6");
}

TEST_CASE("parse_ip reads an IPv4 tail only at the end of an IPv6 literal", "[kernel_text]") {
    CHECK(ip_text("::ffff:1.2.3.4") == "::ffff:1.2.3.4");
    CHECK(ip_text("::1.2.3.4") == "::102:304");
    CHECK(ip_text("1:2:3:4:5:6:1.2.3.4") == "1:2:3:4:5:6:102:304");
    CHECK(ip_text("1::5:1.2.3.4") == "1::5:102:304");
    CHECK(ip_text("1::2:3:4:5:1.2.3.4") == "1:0:2:3:4:5:102:304");
    CHECK(ip_text("::ffff:010.0.0.1") == "::ffff:10.0.0.1");
    // The group before the dot is re-read in decimal, so hex digits there fail.
    CHECK_FALSE(parse_ip("::a.1.2.3"));
    CHECK_FALSE(parse_ip("::1.2.3.4:5"));
    CHECK_FALSE(parse_ip("::1.2.3.4::"));
    CHECK_FALSE(parse_ip("1.2.3.4::"));
    CHECK_FALSE(parse_ip("::1.2.3"));
    CHECK_FALSE(parse_ip("::1.2.3.4.5"));
    CHECK_FALSE(parse_ip("::256.1.2.3"));
    // Seven groups leave no room for 32 more bits.
    CHECK_FALSE(parse_ip("1:2:3:4:5:6:7:1.2.3.4"));
    CHECK_FALSE(parse_ip("1:2:3:4:5:1.2.3.4"));
    CHECK_FALSE(parse_ip("1::2:3:4:5:6:1.2.3.4"));
}

TEST_CASE("parse_ip rejects malformed IPv6 the way the in6_pton automaton does",
          "[kernel_text]") {
    for (const char* text :
         {":", ":::", "::::", "1::2::3", "::1::", "1:", "1:2", ":1", ":1::", ":1:2:3:4:5:6:7:8",
          "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:", "1:2:3:4:5:6:7:8::",
          "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::8", "1::2:3:4:5:6:7:8", "12345::", "::12345",
          "g::1", "[fd00::1]", "fd00::1%eth0", "fd00::1/64", "fd00::1 ", " fd00::1",
          "fd00::1\n\n", "1:2:3:4:5:6:7:8:", "fd00:::1", "fd00::1:"}) {
        INFO(text);
        CHECK_FALSE(parse_ip(text));
    }
}

TEST_CASE("parse_ip allows more than four digits in a group while the value fits 16 bits",
          "[kernel_text]") {
    // in6_pton only refuses another digit once the group's top nibble is set.
    CHECK(ip_text("00001::") == "1::");
    CHECK(ip_text("::0000000000ffff") == "::ffff");
    CHECK(ip_text("0abcd::") == "abcd::");
    CHECK_FALSE(parse_ip("1abcd::"));
    CHECK_FALSE(parse_ip("::fffff"));
}

TEST_CASE("parse_ip reads '::' after seven groups as the last group", "[kernel_text]") {
    // "::" always stands for at least one group: the automaton stores a zero
    // word for it, so seven groups plus "::" fill the address exactly.
    CHECK(ip_text("1:2:3:4:5:6:7::") == "1:2:3:4:5:6:7:0");
    CHECK(ip_text("ffff:1:2:3:4:5:6::") == "ffff:1:2:3:4:5:6:0");
}

TEST_CASE("parse_ip agrees with inet_pton on random canonical addresses", "[kernel_text]") {
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> zero_run(0, 8);
    for (int round = 0; round < 2000; ++round) {
        std::array<std::uint8_t, 16> bytes{};
        const int zeros_from = zero_run(rng);
        const int zeros_to = std::min(8, zeros_from + zero_run(rng));
        for (int i = 0; i < 16; ++i) {
            const int word = i / 2;
            bytes[static_cast<std::size_t>(i)] =
                word >= zeros_from && word < zeros_to ? 0 : static_cast<std::uint8_t>(byte(rng));
        }
        const auto address = IpAddress::v6(bytes);
        const std::string text = address.to_string();
        INFO(text);
        const auto parsed = parse_ip(text);
        REQUIRE(parsed);
        CHECK(*parsed == address);
        std::array<std::uint8_t, 16> expected{};
        REQUIRE(inet_pton(AF_INET6, text.c_str(), expected.data()) == 1);
        CHECK(std::equal(expected.begin(), expected.end(), parsed->bytes().begin()));
    }
}

TEST_CASE("parse_mac_prefix reads six colon-separated hex pairs and ignores what follows",
          "[kernel_text]") {
    const MacAddress expected({0x00, 0x11, 0x22, 0xaa, 0xbb, 0xcc});
    CHECK(parse_mac_prefix("00:11:22:aa:bb:cc") == expected);
    CHECK(parse_mac_prefix("00:11:22:AA:BB:CC") == expected);
    CHECK(parse_mac_prefix("00:11:22:aA:Bb:cC") == expected);
    CHECK(parse_mac_prefix("00:11:22:aa:bb:cc:dd") == expected);
    CHECK(parse_mac_prefix("00:11:22:aa:bb:cc/junk") == expected);
    CHECK(parse_mac_prefix("00:11:22:aa:bb:cc ") == expected);
    CHECK(parse_mac_prefix("00:11:22:aa:bb:ccz") == expected);
    CHECK(parse_mac_prefix("ff:ff:ff:ff:ff:ff") == MacAddress::broadcast());
    CHECK(parse_mac_prefix("00:00:00:00:00:00") == MacAddress{});
}

TEST_CASE("parse_mac_prefix rejects short, dashed, dotted and bare forms", "[kernel_text]") {
    for (const char* text :
         {"", "00:11:22:aa:bb:c", "00-11-22-aa-bb-cc", "0011.22aa.bbcc", "001122aabbcc",
          "0:11:22:aa:bb:cc", "0:1:2:3:4:5", "00:11:22:aa:bb", "00:11:22:aa:bb:gg",
          "00:11:22:aa:bb: c", " 00:11:22:aa:bb:cc", "00:11:22:aa:bb-cc", "00:11:22:aa::bb:cc",
          "00::11:22:aa:bb:cc", "0x:11:22:aa:bb:cc"}) {
        INFO(text);
        CHECK_FALSE(parse_mac_prefix(text));
    }
}

namespace {

/// The two ways the kernel is more lenient than glibc: a group of more than four
/// hex digits (leading zeros), and a dotted part with a leading zero.
bool has_kernel_leniency(const std::string& text) {
    std::size_t run = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == ':' || text[i] == '.') {
            if (run > 4) {
                return true;
            }
            run = 0;
        } else {
            ++run;
        }
    }
    const bool dotted = text.find('.') != std::string::npos;
    for (std::size_t i = 0; dotted && i + 1 < text.size(); ++i) {
        const bool part_start = i == 0 || text[i - 1] == '.' || text[i - 1] == ':';
        if (part_start && text[i] == '0' && text[i + 1] >= '0' && text[i + 1] <= '9') {
            return true;
        }
    }
    return false;
}

} // namespace

TEST_CASE("parse_ip accepts what inet_pton accepts and more only by its leniencies",
          "[kernel_text][property]") {
    std::mt19937 rng(42);
    static constexpr std::string_view k_hex = "0123456789abcdef";
    std::size_t both = 0;
    std::size_t kernel_only = 0;
    for (int round = 0; round < 300000; ++round) {
        std::string text;
        const auto length = 1 + rng() % 22;
        for (std::size_t i = 0; i < length; ++i) {
            const auto roll = rng() % 100;
            text += roll < 30 ? ':' : roll < 36 ? '.' : roll < 70 ? '0' : k_hex[rng() % 16];
        }
        std::array<std::uint8_t, 16> glibc{};
        const bool glibc_v4 = inet_pton(AF_INET, text.c_str(), glibc.data()) == 1;
        const bool glibc_v6 = !glibc_v4 && inet_pton(AF_INET6, text.c_str(), glibc.data()) == 1;
        const auto kernel = parse_ip(text);
        INFO(text);
        if (glibc_v4 || glibc_v6) {
            REQUIRE(kernel);
            CHECK(kernel->is_v4() == glibc_v4);
            CHECK(std::equal(kernel->bytes().begin(), kernel->bytes().end(), glibc.begin()));
            ++both;
        } else if (kernel) {
            CHECK(has_kernel_leniency(text));
            ++kernel_only;
        }
    }
    CHECK(both > 1000);
    CHECK(kernel_only > 100);
}
