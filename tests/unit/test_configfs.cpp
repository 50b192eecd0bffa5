// lib/system/configfs.cpp: reading targets and detecting features from the
// attributes present, over a temporary --root tree with the kernel's text
// (trailing newlines, compressed IPv6, lowercase MACs).
#include "system/configfs.hpp"

#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <system_error>

using ncs::ConfigfsFeatures;
using ncs::SystemConfigfsFiles;
using ncs::test::TempTree;

namespace {

constexpr std::string_view k_target = "/sys/kernel/config/netconsole/t";

/// The attributes every kernel since 2.6.22 shows (Linux 6.1's set).
void write_6_1_target(const TempTree& tree) {
    const std::string t(k_target);
    tree.write(t + "/enabled", "1\n");
    tree.write(t + "/extended", "0\n");
    tree.write(t + "/dev_name", "eth0\n");
    tree.write(t + "/local_port", "6665\n");
    tree.write(t + "/local_ip", "2001:db8:1::2\n");
    tree.write(t + "/remote_port", "6666\n");
    tree.write(t + "/remote_ip", "2001:db8:2::2\n");
    tree.write(t + "/local_mac", "52:54:00:00:01:02\n");
    tree.write(t + "/remote_mac", "02:00:00:00:01:01\n");
}

} // namespace

TEST_CASE("a 6.1 target: no release, userdata or transmit_errors", "[configfs]") {
    TempTree tree;
    write_6_1_target(tree);
    const SystemConfigfsFiles files;
    const ncs::Root root(tree.dir());
    CHECK(ncs::list_targets(files, ncs::netconsole_dir(root)) == std::vector<std::string>{"t"});
    const auto t = ncs::read_target(files, ncs::netconsole_dir(root), "t");
    CHECK(t.features == ConfigfsFeatures{});
    CHECK(t.enabled);
    CHECK_FALSE(t.release);
    CHECK(t.local_ip == ncs::IpAddress::parse("2001:db8:1::2"));
    CHECK(t.remote_mac == ncs::MacAddress::parse("02:00:00:00:01:01"));
    REQUIRE(t.text("dev_name") != nullptr);
    CHECK(*t.text("dev_name") == "eth0");
    CHECK(t.attributes.size() == 9);
}

TEST_CASE("a 6.17 target shows every feature, userdata keys sorted", "[configfs]") {
    TempTree tree;
    write_6_1_target(tree);
    const std::string t(k_target);
    tree.write(t + "/release", "1\n");
    tree.write(t + "/transmit_errors", "42\n");
    tree.write(t + "/userdata/cpu_nr_enabled", "0\n");
    tree.write(t + "/userdata/taskname_enabled", "1\n");
    tree.write(t + "/userdata/release_enabled", "0\n");
    tree.write(t + "/userdata/msgid_enabled", "1\n");
    tree.write(t + "/userdata/zeta/value", "last\n");
    tree.write(t + "/userdata/alpha/value", "first\n");
    const SystemConfigfsFiles files;
    const auto target = ncs::read_target(files, ncs::netconsole_dir(ncs::Root(tree.dir())), "t");
    CHECK(target.features == ConfigfsFeatures{true, true, true, true, true, true, true});
    CHECK(target.release == true);
    CHECK(target.transmit_errors == 42U);
    CHECK(target.sysdata.taskname);
    CHECK(target.sysdata.msgid);
    CHECK_FALSE(target.sysdata.cpu_nr);
    REQUIRE(target.userdata.size() == 2);
    CHECK(target.userdata[0] == ncs::UserdataEntry{"alpha", "first"});
    CHECK(*target.text("userdata/zeta/value") == "last");
}

TEST_CASE("an attribute this tool does not understand is an OperationError", "[configfs]") {
    TempTree tree;
    write_6_1_target(tree);
    tree.write(std::string(k_target) + "/remote_port", "sixty\n");
    const SystemConfigfsFiles files;
    CHECK_THROWS_AS(ncs::read_target(files, ncs::netconsole_dir(ncs::Root(tree.dir())), "t"),
                    ncs::OperationError);
}

TEST_CASE("writes keep the errno and name the path", "[configfs]") {
    TempTree tree;
    SystemConfigfsFiles files(ncs::Root("/").live_kernel("the test"));
    const auto missing = tree.path("/nosuch/enabled");
    try {
        files.write(missing, "1\n");
        FAIL("no error");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == ENOENT);
        CHECK_THAT(e.what(), Catch::Contains(missing.string()));
    }
    tree.write("/attr", "0\n");
    files.write(tree.path("/attr"), "1\n"); // no O_TRUNC: same length overwrites
    CHECK(tree.read("/attr") == "1\n");
    CHECK(ncs::without_newline("1\n") == "1");
    CHECK(ncs::parse_flag("2") == std::nullopt);
}

TEST_CASE("who resumes after unregister", "[configfs]") {
    using ncs::UnregisterBehaviour;
    CHECK(ncs::unregister_behaviour({6, 19}) == UnregisterBehaviour::disable);
    CHECK(ncs::unregister_behaviour({6, 1}) == UnregisterBehaviour::disable);
    CHECK(ncs::unregister_behaviour({7, 0}) == UnregisterBehaviour::resume);
    CHECK(ncs::unregister_behaviour({8, 0}) == UnregisterBehaviour::resume);
}

TEST_CASE("a target's condition from its state and its device", "[configfs]") {
    using ncs::TargetCondition;
    using ncs::TargetDevice;
    ncs::ConfigfsTarget t;
    t.dev_name = "eth0";
    const TargetDevice gone{};
    const TargetDevice up{true, true, true, {}};
    const TargetDevice down{true, false, false, {}};
    const TargetDevice no_carrier{true, true, false, {}};
    const TargetDevice slave{true, true, true, "bond0"};

    t.enabled = false;
    CHECK(ncs::target_condition(t, std::nullopt) == TargetCondition::disabled);
    CHECK(ncs::target_condition(t, gone) == TargetCondition::device_gone);
    CHECK(ncs::target_condition(t, up) == TargetCondition::disabled);
    CHECK(ncs::target_condition(t, down) == TargetCondition::disabled);
    CHECK(ncs::target_condition(t, slave) == TargetCondition::enslaved);

    t.enabled = true;
    CHECK(ncs::target_condition(t, up) == TargetCondition::sending);
    CHECK(ncs::target_condition(t, down) == TargetCondition::device_down);
    CHECK(ncs::target_condition(t, no_carrier) == TargetCondition::no_carrier);
    CHECK(ncs::target_condition(t, std::nullopt) == TargetCondition::unknown);
    CHECK(ncs::target_condition(t, gone) == TargetCondition::unknown);

    // The kernel log says the kernel stopped it: the device went away and is back.
    t.enabled = false;
    CHECK(ncs::target_condition(t, up, ncs::StopReason::unregistered) ==
          TargetCondition::stopped_by_kernel);
    CHECK(ncs::target_condition(t, gone, ncs::StopReason::unregistered) ==
          TargetCondition::device_gone);
    CHECK(ncs::target_condition(t, slave, ncs::StopReason::joined_master) ==
          TargetCondition::enslaved);
    t.enabled = true;
    CHECK(ncs::target_condition(t, up, ncs::StopReason::unregistered) ==
          TargetCondition::sending);

    // A MAC-bound boot target has no dev_name to look the device up by.
    t.dev_name.clear();
    t.enabled = false;
    CHECK(ncs::target_condition(t, gone) == TargetCondition::disabled);
    CHECK(ncs::to_string(TargetCondition::device_gone) == "device_gone");
}

TEST_CASE("a target's device from <root>/sys/class/net", "[configfs]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    CHECK_FALSE(ncs::read_target_device(root, "eth0")); // no sysfs: not looked at

    tree.write("/sys/class/net/eth0/flags", "0x1003\n");
    tree.write("/sys/class/net/eth0/carrier", "1\n");
    tree.write("/sys/class/net/eth1/flags", "0x1002\n");
    tree.write("/sys/class/net/eth1/carrier", ""); // the kernel answers EINVAL while down
    tree.write("/sys/class/net/bond0/flags", "0x1403\n");
    std::filesystem::create_directory_symlink("../bond0", tree.path("/sys/class/net/eth1/master"));

    const auto eth0 = ncs::read_target_device(root, "eth0");
    REQUIRE(eth0);
    CHECK(eth0->exists);
    CHECK(eth0->up);
    CHECK(eth0->carrier);
    CHECK(eth0->master.empty());

    const auto eth1 = ncs::read_target_device(root, "eth1");
    REQUIRE(eth1);
    CHECK_FALSE(eth1->up);
    CHECK_FALSE(eth1->carrier);
    CHECK(eth1->master == "bond0");

    for (const char* name : {"eth9", "..", ".", "", "a/b"}) {
        const auto none = ncs::read_target_device(root, name);
        REQUIRE(none);
        CHECK_FALSE(none->exists);
    }
}

TEST_CASE("configfs files made without a LiveKernel only read", "[configfs][root]") {
    TempTree tree;
    tree.write("/attr", "0\n");
    SystemConfigfsFiles files;
    CHECK(files.read(tree.path("/attr")) == "0\n");
    CHECK_THROWS_AS(files.write(tree.path("/attr"), "1\n"), std::logic_error);
    CHECK_THROWS_AS(files.make_directory(tree.path("/t")), std::logic_error);
    CHECK_THROWS_AS(files.remove_directory(tree.path("/t")), std::logic_error);
    CHECK(tree.read("/attr") == "0\n");
}
