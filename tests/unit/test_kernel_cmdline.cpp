// lib/ops/kernel_cmdline.cpp: which spelling cmdline uses for the kernel that boots, and
// why; the fragment and the grub.d plan.
#include "ops/kernel_cmdline.hpp"

#include "grammar/netconsole_string.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using ncs::ops::BuildReason;
using ncs::ops::LoadedBy;
using ncs::persist::Build;
using ncs::test::TempTree;

TEST_CASE("the spelling follows the kernel's module index", "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const std::string release = "6.12.48+deb13-amd64";
    CHECK(ncs::ops::cmdline_build(root, Build::builtin, release).reason == BuildReason::chosen);
    const auto none = ncs::ops::cmdline_build(root, std::nullopt, release);
    CHECK(none.reason == BuildReason::no_modules);
    CHECK(none.build == Build::module); // the spelling that cannot be wrong
    const auto dir = "/lib/modules/" + release;
    tree.write(dir + "/modules.builtin", "kernel/drivers/net/netconsole.ko\n");
    tree.write(dir + "/modules.dep", "");
    const auto built_in = ncs::ops::cmdline_build(root, std::nullopt, release);
    CHECK(built_in.reason == BuildReason::built_in);
    CHECK(built_in.build == Build::builtin);
    CHECK(built_in.release == release);
    tree.write(dir + "/modules.builtin", "");
    CHECK(ncs::ops::cmdline_build(root, std::nullopt, release).reason == BuildReason::no_module);
    tree.write(dir + "/modules.dep", "kernel/drivers/net/netconsole.ko:\n");
    CHECK(ncs::ops::cmdline_build(root, std::nullopt, release).reason == BuildReason::module);
}

TEST_CASE("a module initramfs-tools loads is spelled netconsole=", "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const std::string release = "6.1.0-test";
    const auto dir = "/lib/modules/" + release;
    tree.write(dir + "/modules.builtin", "");
    tree.write(dir + "/modules.dep", "kernel/drivers/net/netconsole.ko:\n");
    const auto loader = ncs::ops::cmdline_build(root, std::nullopt, release);
    CHECK(loader.loaded_by == LoadedBy::module_loader);
    CHECK(loader.spelling() == Build::module);
    tree.write("/usr/share/initramfs-tools/init", "#!/bin/sh\n");
    const auto initramfs = ncs::ops::cmdline_build(root, std::nullopt, release);
    CHECK(initramfs.build == Build::module);
    CHECK(initramfs.loaded_by == LoadedBy::initramfs_tools);
    CHECK(initramfs.spelling() == Build::builtin);
    // Build::module asked: netconsole.netconsole=, for the loader after the root is mounted
    const auto chosen = ncs::ops::cmdline_build(root, Build::module, release);
    CHECK(chosen.loaded_by == LoadedBy::module_loader);
    CHECK(chosen.spelling() == Build::module);
    CHECK(ncs::ops::cmdline_build(root, Build::builtin, release).loaded_by == LoadedBy::kernel);
}

TEST_CASE("plan_cmdline: the fragment, loglevel checked, and the drop-in when asked",
          "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const auto targets = ncs::grammar::parse("6665@192.0.2.10/eth0,6666@192.0.2.5/52:54:00:12:34:56");
    ncs::ops::CmdlineRequest request;
    request.targets.push_back(targets.targets.at(0).target);
    request.build = Build::builtin;
    request.console_level = 8;
    const auto plain = ncs::ops::plan_cmdline(root, request);
    CHECK(plain.fragment.rfind("netconsole=", 0) == 0);
    CHECK(plain.fragment.find(" loglevel=8") != std::string::npos);
    CHECK(plain.files.empty());
    request.write_grub = true;
    const auto grub = ncs::ops::plan_cmdline(root, request);
    REQUIRE(grub.files.size() == 1);
    CHECK(grub.files[0].path == ncs::persist::k_grub_path);
    request.console_level = 9;
    CHECK_THROWS_AS(ncs::ops::plan_cmdline(root, request), ncs::FieldError);
}

TEST_CASE("plan_cmdline: a device by MAC for any kernel, which may have it backported",
          "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const auto targets =
        ncs::grammar::parse("6665@192.0.2.10/52:54:00:00:01:02,6666@192.0.2.5/52:54:00:12:34:56");
    ncs::ops::CmdlineRequest request;
    request.targets.push_back(targets.targets.at(0).target);
    request.build = Build::builtin;
    request.release = "7.2.13+deb14-amd64";
    CHECK(ncs::ops::plan_cmdline(root, request).fragment ==
          "netconsole=6665@192.0.2.10/52:54:00:00:01:02,6666@192.0.2.5/52:54:00:12:34:56");
    // Debian's 6.12 binds by MAC (backported): the plan is made, the resolution warns.
    request.release = "6.12.48+deb13-amd64";
    CHECK(ncs::ops::plan_cmdline(root, request).fragment ==
          "netconsole=6665@192.0.2.10/52:54:00:00:01:02,6666@192.0.2.5/52:54:00:12:34:56");
    // A chosen spelling still knows the kernel: the one given.
    CHECK(ncs::ops::cmdline_build(root, Build::builtin, std::string("6.12.48+deb13-amd64"))
              .release == "6.12.48+deb13-amd64");
}

TEST_CASE("initramfs_modules: netconsole and each device's driver module, from sysfs",
          "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const auto parsed = ncs::grammar::parse("+6665@192.0.2.10/eth0,6666@192.0.2.5/"
                                            "52:54:00:12:34:56");
    std::vector<ncs::Target> targets{parsed.targets.at(0).target};
    // No sysfs under the root: only netconsole, eth0's driver unknown.
    auto modules = ncs::ops::initramfs_modules(root, targets);
    CHECK(modules.modules == std::vector<std::string>{"netconsole"});
    CHECK(modules.unknown_drivers == std::vector<ncs::Device>{std::string("eth0")});
    // A driver's name need not be its module's: the driver's module link wins, and
    // the driver's name is the fallback when there is none.
    tree.mkdir("/sys/class/net/eth0/device");
    tree.mkdir("/sys/bus/pci/drivers/Intel PRO-1000");
    std::filesystem::create_symlink("../../../../bus/pci/drivers/Intel PRO-1000",
                                    tree.dir() / "sys/class/net/eth0/device/driver");
    modules = ncs::ops::initramfs_modules(root, targets);
    CHECK(modules.modules == std::vector<std::string>{"netconsole", "Intel PRO-1000"});
    std::filesystem::create_symlink("../../../../module/e1000",
                                    tree.dir() / "sys/bus/pci/drivers/Intel PRO-1000/module");
    targets.push_back(targets.front()); // the same device twice: listed once
    modules = ncs::ops::initramfs_modules(root, targets);
    CHECK(modules.modules == std::vector<std::string>{"netconsole", "e1000"});
    CHECK(modules.unknown_drivers.empty());
    // A device given as a MAC (6.15+): no interface has it, so its driver is unknown.
    const auto by_mac = ncs::grammar::parse("6665@192.0.2.10/02:00:00:00:00:01,6666@192.0.2.5/"
                                            "52:54:00:12:34:56");
    modules = ncs::ops::initramfs_modules(root, {by_mac.targets.at(0).target});
    CHECK(modules.modules == std::vector<std::string>{"netconsole"});
    REQUIRE(modules.unknown_drivers.size() == 1);
    CHECK(std::holds_alternative<ncs::MacAddress>(modules.unknown_drivers[0]));
    // The interface whose address it is gives it, and a bridge sharing the MAC (no
    // driver) changes nothing.
    tree.write("/sys/class/net/eth0/address", "02:00:00:00:00:01\n");
    tree.write("/sys/class/net/br0/address", "02:00:00:00:00:01\n");
    modules = ncs::ops::initramfs_modules(root, {by_mac.targets.at(0).target});
    CHECK(modules.modules == std::vector<std::string>{"netconsole", "e1000"});
    CHECK(modules.unknown_drivers.empty());
}

TEST_CASE("plan_initramfs_config: each generator's file, none refused", "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const std::vector<std::string> modules{"netconsole", "e1000"};
    const auto tools = ncs::ops::plan_initramfs_config(
        root, ncs::InitramfsGenerator::initramfs_tools, modules, ncs::ops::Force::no);
    REQUIRE(tools.size() == 1);
    CHECK(tools[0].path == ncs::persist::k_initramfs_tools_hook_path);
    CHECK(tools[0].mode == ncs::FileMode::executable);
    REQUIRE(tools[0].new_content);
    CHECK(ncs::persist::is_owned(*tools[0].new_content));
    CHECK(tools[0].new_content->find("\nmanual_add_modules netconsole e1000\n") !=
          std::string::npos);
    const auto dracut = ncs::ops::plan_initramfs_config(root, ncs::InitramfsGenerator::dracut,
                                                        modules, ncs::ops::Force::no);
    REQUIRE(dracut.size() == 1);
    CHECK(dracut[0].path == ncs::persist::k_dracut_conf_path);
    REQUIRE(dracut[0].new_content);
    CHECK(dracut[0].new_content->find("\nforce_drivers+=\" netconsole e1000 \"\n") !=
          std::string::npos);
    CHECK_THROWS_AS(ncs::ops::plan_initramfs_config(root, ncs::InitramfsGenerator::none, modules,
                                                    ncs::ops::Force::no),
                    ncs::OperationError);
}

TEST_CASE("plan_initramfs_config: the administrator's modules list is never the tool's",
          "[ops][kernel_cmdline]") {
    TempTree tree;
    const ncs::Root root(tree.dir());
    const std::vector<std::string> modules{"netconsole", "e1000"};
    const auto path = std::string(ncs::persist::k_initramfs_tools_modules_path);
    // Debian's stock file (comments only): left alone, the hook needs no --force.
    tree.write(path, "# List of modules that you want to include in your initramfs.\n");
    auto plans = ncs::ops::plan_initramfs_config(root, ncs::InitramfsGenerator::initramfs_tools,
                                                 modules, ncs::ops::Force::no);
    REQUIRE(plans.size() == 1);
    CHECK(plans[0].path == ncs::persist::k_initramfs_tools_hook_path);
    // The list an earlier version wrote is removed: the hook replaces it.
    tree.write(path, std::string(ncs::persist::k_owner_line) + "\nnetconsole\ne1000\n");
    plans = ncs::ops::plan_initramfs_config(root, ncs::InitramfsGenerator::initramfs_tools,
                                            modules, ncs::ops::Force::no);
    REQUIRE(plans.size() == 2);
    CHECK(plans[1].path == path);
    CHECK(ncs::ops::file_action(plans[1]) == ncs::ops::FileAction::remove);
    // A hook of the same name the tool did not write: refused unless forced.
    tree.write(std::string(ncs::persist::k_initramfs_tools_hook_path), "#!/bin/sh\nexit 0\n");
    CHECK_THROWS_AS(ncs::ops::plan_initramfs_config(root, ncs::InitramfsGenerator::initramfs_tools,
                                                    modules, ncs::ops::Force::no),
                    ncs::ops::OwnedFileError);
    CHECK(ncs::ops::plan_initramfs_config(root, ncs::InitramfsGenerator::initramfs_tools, modules,
                                          ncs::ops::Force::yes)[0]
              .foreign);
}
