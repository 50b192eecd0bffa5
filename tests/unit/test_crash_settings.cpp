// lib/system/crash_settings.cpp: the crash facts and watchdogs under a --root, whatever
// the files hold (garbage, huge numbers, a FIFO, a link out of the root).
#include "system/crash_settings.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

using ncs::KernelVersion;
using ncs::test::TempTree;

TEST_CASE("sysctl integers as the kernel prints them, and nothing else", "[crash_settings]") {
    CHECK(ncs::parse_sysctl_int("10\n") == 10);
    CHECK(ncs::parse_sysctl_int("-1\n") == -1);
    CHECK(ncs::parse_sysctl_int("0") == 0);
    CHECK_FALSE(ncs::parse_sysctl_int(""));
    CHECK_FALSE(ncs::parse_sysctl_int("\n"));
    CHECK_FALSE(ncs::parse_sysctl_int("ten\n"));
    CHECK_FALSE(ncs::parse_sysctl_int("10 20\n"));
    CHECK_FALSE(ncs::parse_sysctl_int("+10\n"));
    CHECK_FALSE(ncs::parse_sysctl_int("99999999999999999999\n")); // beyond int: not the kernel's
}

TEST_CASE("a host's crash settings under a root", "[crash_settings]") {
    TempTree tree;
    tree.write("/proc/sys/kernel/osrelease", "7.2.13+deb14-amd64\n");
    tree.write("/proc/sys/kernel/panic", "10\n");
    tree.write("/proc/sys/kernel/panic_on_oops", "1\n");
    tree.write("/sys/kernel/kexec_crash_loaded", "1\n");
    tree.write("/sys/module/netconsole/parameters/oops_only", "N\n");
    const auto settings = ncs::read_crash_settings(ncs::Root(tree.dir()));
    CHECK(settings.kernel == KernelVersion{7, 2});
    CHECK(settings.panic_timeout == 10);
    CHECK(settings.panic_on_oops == true);
    CHECK(settings.crash_kernel_loaded == true);
    CHECK(settings.oops_only == false);
}

TEST_CASE("absent kexec and oops_only files are the kernel's defaults, and bad files unknown",
          "[crash_settings]") {
    TempTree tree;
    tree.write("/proc/sys/kernel/panic", "garbage\n");
    tree.write("/proc/sys/kernel/panic_on_oops", "4294967296\n");
    auto settings = ncs::read_crash_settings(ncs::Root(tree.dir()));
    CHECK_FALSE(settings.kernel);
    CHECK_FALSE(settings.panic_timeout);
    CHECK_FALSE(settings.panic_on_oops);
    CHECK(settings.crash_kernel_loaded == false); // no kexec in this kernel
    CHECK(settings.oops_only == false);           // netconsole not loaded
    // A FIFO is never opened (it would block): the fact is unknown.
    tree.mkdir("/sys/kernel");
    REQUIRE(::mkfifo(tree.path("/sys/kernel/kexec_crash_loaded").c_str(), 0644) == 0);
    settings = ncs::read_crash_settings(ncs::Root(tree.dir()));
    CHECK_FALSE(settings.crash_kernel_loaded);
    CHECK(ncs::panic_delivery(settings).loss == ncs::CrashLoss::unknown);
}

TEST_CASE("watchdogs: softdog is not one that resets a panicked host", "[crash_settings]") {
    TempTree tree;
    CHECK(ncs::read_watchdogs(ncs::Root(tree.dir())).empty());
    tree.write("/sys/class/watchdog/watchdog0/identity", "Software Watchdog\n");
    tree.write("/sys/class/watchdog/watchdog1/identity", "i6300ESB timer\n");
    tree.mkdir("/sys/class/watchdog/watchdog2");
    REQUIRE(::mkfifo(tree.path("/sys/class/watchdog/watchdog2/identity").c_str(), 0644) == 0);
    // A link that leaves the root is resolved inside it: the host's file is never read.
    tree.mkdir("/sys/class/watchdog/watchdog3");
    std::filesystem::create_symlink("/proc/version",
                                    tree.path("/sys/class/watchdog/watchdog3/identity"));
    tree.write("/sys/class/watchdog/other/identity", "not a watchdog device\n");
    const auto found = ncs::read_watchdogs(ncs::Root(tree.dir()));
    REQUIRE(found.size() == 4);
    CHECK(found[0] == ncs::Watchdog{"watchdog0", "Software Watchdog"});
    CHECK(found[1] == ncs::Watchdog{"watchdog1", "i6300ESB timer"});
    CHECK(found[2] == ncs::Watchdog{"watchdog2", ""});
    CHECK(found[3] == ncs::Watchdog{"watchdog3", ""});
    CHECK_FALSE(ncs::is_hardware_watchdog(found[0]));
    CHECK(ncs::is_hardware_watchdog(found[1]));
    CHECK_FALSE(ncs::is_hardware_watchdog(found[2])); // unknown: not trusted to reset
}
