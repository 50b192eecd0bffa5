// lib/system/sysfs_net.cpp: Wi-Fi told from <root>/sys/class/net, believed only when
// the ifindex matches (sysfs may show another namespace).
#include "system/sysfs_net.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using ncs::is_wireless_interface;
using ncs::Root;
using ncs::test::TempTree;

TEST_CASE("an interface with phy80211 is Wi-Fi", "[sysfs_net]") {
    TempTree tree;
    tree.write("/sys/class/net/wlan0/ifindex", "3\n");
    tree.mkdir("/sys/class/net/wlan0/phy80211");
    CHECK(is_wireless_interface(Root(tree.dir()), "wlan0", 3));
}

TEST_CASE("an interface whose uevent says DEVTYPE=wlan is Wi-Fi", "[sysfs_net]") {
    TempTree tree;
    tree.write("/sys/class/net/wlp2s0/ifindex", "4\n");
    tree.write("/sys/class/net/wlp2s0/uevent", "DEVTYPE=wlan\nINTERFACE=wlp2s0\nIFINDEX=4\n");
    CHECK(is_wireless_interface(Root(tree.dir()), "wlp2s0", 4));
    tree.write("/sys/class/net/eth0/ifindex", "2\n");
    tree.write("/sys/class/net/eth0/uevent", "INTERFACE=eth0\nIFINDEX=2\n");
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "eth0", 2));
}

TEST_CASE("sysfs of another namespace is not believed", "[sysfs_net]") {
    TempTree tree;
    tree.write("/sys/class/net/wlan0/ifindex", "3\n");
    tree.mkdir("/sys/class/net/wlan0/phy80211");
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "wlan0", 7)); // another wlan0
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "wlan1", 3)); // not there
}

TEST_CASE("odd names and a FIFO for ifindex are no Wi-Fi and never block", "[sysfs_net]") {
    TempTree tree;
    tree.mkdir("/sys/class/net/wlan0/phy80211");
    REQUIRE(::mkfifo(tree.path("/sys/class/net/wlan0/ifindex").c_str(), 0600) == 0);
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "wlan0", 3));
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "../net/wlan0", 3));
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "", 3));
    CHECK_FALSE(is_wireless_interface(Root(tree.dir()), "..", 3));
}
