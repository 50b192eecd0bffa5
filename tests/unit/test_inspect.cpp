// lib/ops/inspect.cpp: the targets of a configfs tree under a root with their condition
// and crash delivery, and the status parts, as typed data (what list and status render).
#include "ops/inspect.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

using ncs::TargetCondition;
using ncs::test::TempTree;

namespace {

void write_target(const TempTree& tree, const std::string& name, const char* enabled,
                  const char* dev) {
    const std::string t = "/sys/kernel/config/netconsole/" + name;
    tree.write(t + "/enabled", enabled);
    tree.write(t + "/extended", "0\n");
    tree.write(t + "/dev_name", dev);
    tree.write(t + "/local_port", "6665\n");
    tree.write(t + "/local_ip", "192.0.2.10\n");
    tree.write(t + "/remote_port", "6666\n");
    tree.write(t + "/remote_ip", "192.0.2.5\n");
    tree.write(t + "/local_mac", "52:54:00:00:01:02\n");
    tree.write(t + "/remote_mac", "02:00:00:00:01:01\n");
}

void write_device(const TempTree& tree, const std::string& dev, const char* flags,
                  const char* carrier) {
    tree.write("/sys/class/net/" + dev + "/flags", flags);
    tree.write("/sys/class/net/" + dev + "/carrier", carrier);
}

} // namespace

TEST_CASE("no netconsole directory: no targets, not present", "[ops][inspect]") {
    TempTree tree;
    const auto inspection =
        ncs::ops::inspect_targets(ncs::Root(tree.dir()), {}, ncs::ops::Unreadable::fail);
    CHECK_FALSE(inspection.present);
    CHECK(inspection.targets.empty());
}

TEST_CASE("each target is judged from its device, and a silent one loses the panic",
          "[ops][inspect]") {
    TempTree tree;
    write_target(tree, "up", "1\n", "eth0\n");
    write_target(tree, "down", "1\n", "eth1\n");
    write_target(tree, "gone", "0\n", "eth9\n");
    write_device(tree, "eth0", "0x1003\n", "1\n");
    write_device(tree, "eth1", "0x1002\n", "0\n");
    tree.write("/proc/sys/kernel/osrelease", "6.12.48+deb13-amd64\n");
    ncs::CrashSettings crash;
    crash.kernel = ncs::KernelVersion{6, 12};
    crash.panic_timeout = 0;
    crash.panic_on_oops = false;
    crash.crash_kernel_loaded = false;
    crash.oops_only = false;
    const auto inspection =
        ncs::ops::inspect_targets(ncs::Root(tree.dir()), crash, ncs::ops::Unreadable::fail);
    CHECK(inspection.present);
    REQUIRE(inspection.targets.size() == 3);
    CHECK(inspection.kernel == ncs::KernelVersion{6, 12});
    const auto& down = inspection.targets[0];
    const auto& gone = inspection.targets[1];
    const auto& up = inspection.targets[2];
    CHECK(down.name == "down");
    CHECK(down.report.condition == TargetCondition::device_down);
    CHECK_FALSE(down.crash.panic.reaches());
    CHECK(gone.report.condition == TargetCondition::device_gone);
    CHECK(up.report.condition == TargetCondition::sending);
    CHECK(up.crash.panic.reaches());
}

TEST_CASE("status records what it cannot read and names the values the kernel overrides",
          "[ops][inspect]") {
    TempTree tree;
    tree.write("/proc/cmdline", "netconsole=@/,@192.0.2.5/ netconsole=@/,@192.0.2.6/\n");
    tree.write("/proc/sys/kernel/printk", "4 4 1 7\n");
    const auto status = ncs::ops::read_status(ncs::Root(tree.dir()));
    CHECK_FALSE(status.targets.present);
    REQUIRE(status.printk.value);
    CHECK(status.printk.value->console_loglevel == 4);
    CHECK_FALSE(status.console_warnings.empty()); // level 4 hides warnings and more
    REQUIRE(status.configured.value);
    REQUIRE(status.configured.value->size() == 2);
    CHECK(status.overridden == std::vector<std::optional<std::size_t>>{1, std::nullopt});
    CHECK_FALSE(status.lost_panic); // no enabled target
}

TEST_CASE("status says when the kernel has no netconsole and configfs is not mounted",
          "[ops][inspect]") {
    TempTree tree;
    const std::string dir = "/lib/modules/6.12.48+deb13-amd64";
    tree.write(dir + "/modules.builtin", "kernel/fs/ext4/ext4.ko\n");
    tree.write(dir + "/modules.dep", "kernel/drivers/net/dummy.ko:\n");
    tree.write("/proc/self/mounts", "proc /proc proc rw 0 0\n");
    const auto status = ncs::ops::read_status(ncs::Root(tree.dir()));
    REQUIRE(status.module.value);
    CHECK(status.no_netconsole);
    REQUIRE(status.configfs_mounted.value);
    CHECK(status.configfs_unmounted);
}
