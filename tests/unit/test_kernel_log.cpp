// lib/system/kernel_log.cpp: netconsole's lines of the kernel log, as 6.1, 6.12
// and 7.x print them (/dev/kmsg records and dmesg lines), and reading <root>/dev/kmsg.
#include "system/kernel_log.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

using ncs::StopReason;

TEST_CASE("the last stop per device from /dev/kmsg records", "[kernel_log]") {
    const auto events = ncs::netconsole_device_events(
        "6,401,5140900,-;netpoll: netconsole: interface 'eth0'\n"                    // 6.1
        "6,402,5140950,-;netpoll: netconsole: local port 6665\n"
        "6,410,6140900,-;netconsole: network logging stopped on interface eth0 as it "
        "unregistered\n"
        " SUBSYSTEM=net\n"                                                            // dict line
        "6,420,7140900,-;netpoll: netconsole: interface name 'eth1'\n"               // 6.12
        "6,421,7150900,-;netconsole: network logging stopped on interface eth1 as it is "
        "joining a master device\n"
        "6,430,8140900,-;netconsole: network logging stopped on interface bond0 as it "
        "released slaves\n"
        "6,440,9140900,-;netconsole: network logging stopped on interface eth2 as it "
        "unregistered\n"
        "6,441,9150900,-;netconsole: network logging resumed on interface eth2\n"     // 7.0+
        "6,450,9150900,-;netconsole: cmdline0: interface name 'eth3'\n");             // 7.x setup
    REQUIRE(events.size() == 5);
    CHECK(events.at("eth0") == StopReason::unregistered);
    CHECK(events.at("eth1") == StopReason::joined_master);
    CHECK(events.at("bond0") == StopReason::released_slaves);
    CHECK(events.at("eth2") == std::nullopt);
    CHECK(events.at("eth3") == std::nullopt);
}

TEST_CASE("a later setup on the device clears its stop, and dmesg lines work too", "[kernel_log]") {
    const auto events = ncs::netconsole_device_events(
        "[    5.1] netconsole: network logging stopped on interface eth0 as it unregistered\r\n"
        "[    6.2] netpoll: netconsole: interface name 'eth0'\n"
        "[    7.3] netconsole: network logging stopped on interface eth1 as it unregistered");
    CHECK(events.at("eth0") == std::nullopt);
    CHECK(events.at("eth1") == StopReason::unregistered);
}

TEST_CASE("lines that only look like netconsole's are not events", "[kernel_log]") {
    const auto events = ncs::netconsole_device_events(
        "6,1,2,-;netconsole: network logging stopped\n"                      // disabled by hand
        "6,1,2,-;netconsole: network logging stopped on interface eth0 as it had an event\n"
        "5,1,2,-;user: netconsole: network logging stopped on interface eth9 as it unregistered\n"
        // written to /dev/kmsg by a process: the kernel gives it facility LOG_USER
        "14,1,2,-;netconsole: network logging stopped on interface eth8 as it unregistered\n"
        "6,1,2,-;e1000: interface 'eth5'\n"
        "6,1,2,-;netpoll: netconsole: interface 'eth6\n"
        "\n;;;\n");
    CHECK(events.empty());
}

TEST_CASE("read_kernel_log reads <root>/dev/kmsg, nullopt without it", "[kernel_log]") {
    ncs::test::TempTree tree;
    const ncs::Root root(tree.dir());
    CHECK_FALSE(ncs::read_kernel_log(root));
    tree.write("/dev/kmsg", "6,1,2,-;netpoll: netconsole: interface 'eth0'\n");
    const auto log = ncs::read_kernel_log(root);
    REQUIRE(log);
    CHECK(ncs::netconsole_device_events(*log).at("eth0") == std::nullopt);
}
