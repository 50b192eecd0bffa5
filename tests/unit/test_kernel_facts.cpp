// lib/model/kernel_facts.cpp: kernel versions from release strings, and the one
// place the "needs Linux X.Y" texts come from.
#include "model/kernel_facts.hpp"

#include "model/target.hpp"

#include <catch2/catch.hpp>

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
