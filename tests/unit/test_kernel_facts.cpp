// lib/model/kernel_facts.cpp: kernel versions from release strings, and the one
// place the "needs Linux X.Y" texts come from.
#include "model/kernel_facts.hpp"

#include "model/target.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using ncs::KernelVersion;

TEST_CASE("kernel versions from release strings", "[kernel_facts]") {
    CHECK(ncs::parse_kernel_version("7.2.13+deb14-amd64") == KernelVersion{7, 2});
    CHECK(ncs::parse_kernel_version("6.12.117+deb13-amd64") == KernelVersion{6, 12});
    CHECK(ncs::parse_kernel_version("6.1.0-57-amd64") == KernelVersion{6, 1});
    CHECK(ncs::parse_kernel_version("7.0") == KernelVersion{7, 0});
    CHECK_FALSE(ncs::parse_kernel_version(""));
    CHECK_FALSE(ncs::parse_kernel_version("7"));
    CHECK_FALSE(ncs::parse_kernel_version("7."));
    CHECK_FALSE(ncs::parse_kernel_version("v7.2"));
    CHECK_FALSE(ncs::parse_kernel_version("99999999999999999999.1"));
    CHECK(ncs::to_string(KernelVersion{6, 15}) == "6.15");
}

TEST_CASE("the feature versions order as the kernel added them", "[kernel_facts]") {
    namespace in = ncs::added_in;
    CHECK(in::release < in::cmdline_adoption);
    CHECK(in::userdata < in::sysdata);
    CHECK(in::sysdata < in::msgid);
    CHECK(in::msgid < in::resume_on_register);
}

TEST_CASE("the needs-newer-kernel warnings are built from the facts", "[kernel_facts]") {
    CHECK(ncs::needs_linux("userdata", ncs::added_in::userdata) ==
          "userdata needs Linux 6.9 or newer");
    CHECK(ncs::release_needs_newer_kernel() == "release ('r') needs Linux 6.6 or newer");
    CHECK(ncs::device_by_mac_needs_newer_kernel() ==
          "choosing the device by MAC needs Linux 6.15 or newer");
}

TEST_CASE("a boot string's features are refused for a known kernel that lacks them",
          "[kernel_facts]") {
    ncs::Target t;
    t.remote_ip = ncs::IpAddress::parse("192.0.2.5");
    t.device = ncs::MacAddress::parse("52:54:00:00:01:02");
    // A device by MAC is never refused: Debian's 6.12 has it backported. Older than 6.15
    // it is a warning naming the release.
    ncs::require_boot_features(t, "6.1.0-57-amd64");
    const auto warning = ncs::device_by_mac_on(t, "6.12.48+deb13-amd64");
    REQUIRE(warning);
    CHECK(warning->message ==
          "Linux 6.12.48+deb13-amd64 is older than 6.15, which brought choosing the device by "
          "MAC: unless it has it backported (Debian's 6.12 has), it takes 52:54:00:00:01:02 as "
          "an interface name and sends nothing");
    CHECK(warning->kind == ncs::Warning::Kind::needs_newer_kernel);
    CHECK_FALSE(ncs::device_by_mac_on(t, "6.15.0"));
    CHECK_FALSE(ncs::device_by_mac_on(t, "7.2.13+deb14-amd64"));
    CHECK_FALSE(ncs::device_by_mac_on(t, "")); // unknown: check() warns instead
    ncs::require_boot_features(t, "vmlinuz");
    t.device = std::string("eth0");
    CHECK_FALSE(ncs::device_by_mac_on(t, "6.1.0-57-amd64"));
    ncs::require_boot_features(t, "5.10.0");
    t.extended = t.release = true;
    CHECK_THROWS_WITH(ncs::require_boot_features(t, "6.1.0-57-amd64"),
                      "Linux 6.1.0-57-amd64 cannot parse the release prefix: release ('r') needs "
                      "Linux 6.6 or newer");
    ncs::require_boot_features(t, "6.6.0");
}
