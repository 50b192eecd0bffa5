// lib/ops/kernel_cmdline.cpp: which spelling cmdline uses for the kernel that boots, and
// why; the fragment and the grub.d plan.
#include "ops/kernel_cmdline.hpp"

#include "grammar/netconsole_string.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

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
