// lib/apply/apply.cpp: planning, order, idempotence and rollback, against the
// record-and-assert FakeConfigfs (the kernel's answers are proved in the vm tier).
#include "apply/apply.hpp"

#include "fake_configfs.hpp"
#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/file.h>

using ncs::IpAddress;
using ncs::MacAddress;
using ncs::OperationError;
using ncs::Target;
using ncs::test::FakeConfigfs;
namespace apply = ncs::apply;

namespace {

Target doctor(std::uint16_t port = 6651) {
    Target t;
    t.name = "ncs";
    t.device = std::string("eth0");
    t.local_ip = IpAddress::parse("192.0.2.10");
    t.remote_ip = IpAddress::parse("198.51.100.2");
    t.remote_port = port;
    t.remote_mac = MacAddress::parse("02:00:00:00:01:01");
    return t;
}

std::vector<apply::TargetReport> run(FakeConfigfs& fs, const Target& t) {
    return apply::apply_targets(fs, FakeConfigfs::k_dir, {t});
}

std::string error_of(FakeConfigfs& fs, const Target& t) {
    try {
        run(fs, t);
    } catch (const OperationError& e) {
        return std::string(e.what()) + " | " + ncs::phrase_words(e.hint());
    }
    return "no error";
}

} // namespace

TEST_CASE("a new target gets only the attributes that differ from the defaults, then enable",
          "[apply]") {
    FakeConfigfs fs;
    const auto reports = run(fs, doctor());
    CHECK(fs.log == std::vector<std::string>{
                        "mkdir ncs", "write ncs/remote_ip 198.51.100.2",
                        "write ncs/local_ip 192.0.2.10", "write ncs/remote_port 6651",
                        "write ncs/remote_mac 02:00:00:00:01:01", "write ncs/enabled 1"});
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].outcome == apply::Outcome::created);
    CHECK(reports[0].after.enabled);
    CHECK(reports[0].after.remote_port == 6651);
}

TEST_CASE("a repeated apply writes nothing", "[apply]") {
    FakeConfigfs fs;
    run(fs, doctor());
    fs.log.clear();
    const auto reports = run(fs, doctor());
    CHECK(fs.log.empty());
    CHECK(reports[0].outcome == apply::Outcome::unchanged);
    CHECK(reports[0].operations.empty());
}

TEST_CASE("a change disables first, writes only what changed, and enables last", "[apply]") {
    FakeConfigfs fs;
    run(fs, doctor());
    fs.log.clear();
    auto t = doctor(6652);
    t.extended = true;
    t.device = std::string("eth1");
    fs.devices["eth1"] = "192.0.2.11";
    const auto reports = run(fs, t);
    // The fake answers EINVAL to any write while enabled, as the kernel does.
    CHECK(fs.log == std::vector<std::string>{"write ncs/enabled 0", "write ncs/dev_name eth1",
                                             "write ncs/remote_port 6652",
                                             "write ncs/extended 1", "write ncs/enabled 1"});
    CHECK(reports[0].outcome == apply::Outcome::updated);
}

TEST_CASE("a disabled target holding the values is only enabled", "[apply]") {
    FakeConfigfs fs;
    run(fs, doctor());
    apply::set_enabled(fs, FakeConfigfs::k_dir, "ncs", false);
    fs.log.clear();
    run(fs, doctor());
    CHECK(fs.log == std::vector<std::string>{"write ncs/enabled 1"});
}

TEST_CASE("values are compared parsed: compressed IPv6, MAC case", "[apply]") {
    FakeConfigfs fs;
    auto t = doctor();
    t.remote_ip = IpAddress::parse("2001:db8:2:0:0:0:0:2");
    t.local_ip = IpAddress::parse("2001:db8:1::2");
    t.remote_mac = MacAddress::parse("02:AB:00:00:01:01");
    run(fs, t);
    CHECK(fs.value("ncs/remote_ip") == "2001:db8:2::2");
    fs.log.clear();
    run(fs, t);
    CHECK(fs.log.empty());
}

TEST_CASE("no source: the kernel's sticky pick counts as asked for, and is reset on change",
          "[apply]") {
    FakeConfigfs fs;
    auto t = doctor();
    t.local_ip.reset();
    run(fs, t);
    CHECK(fs.value("ncs/local_ip") == "192.0.2.10"); // picked at enable
    fs.log.clear();
    run(fs, t);
    CHECK(fs.log.empty());
    run(fs, [&] { auto u = t; u.remote_port = 7000; return u; }());
    CHECK(fs.log == std::vector<std::string>{"write ncs/enabled 0", "write ncs/local_ip 0.0.0.0",
                                             "write ncs/remote_port 7000", "write ncs/enabled 1"});
}

TEST_CASE("a failed enable removes the target this run created", "[apply][rollback]") {
    FakeConfigfs fs;
    const auto before = fs.snapshot();
    auto t = doctor();
    t.device = std::string("nosuch0");
    CHECK(error_of(fs, t) == "cannot enable target ncs: there is no device nosuch0; every change "
                             "was undone | see dmesg for the kernel's own line");
    CHECK(fs.log.back() == "rmdir ncs");
    CHECK(fs.snapshot() == before);
}

TEST_CASE("a failed update restores the attributes and the enabled state", "[apply][rollback]") {
    FakeConfigfs fs;
    run(fs, doctor());
    const auto before = fs.snapshot();
    fs.log.clear();
    auto t = doctor(6652);
    t.device = std::string("veth0");
    CHECK(error_of(fs, t) == "cannot enable target ncs: device veth0 cannot do netpoll (e.g. a "
                             "veth); every change was undone | see dmesg for the kernel's own "
                             "line");
    CHECK(fs.log == std::vector<std::string>{
                        "write ncs/enabled 0", "write ncs/dev_name veth0",
                        "write ncs/remote_port 6652", "write ncs/enabled 1",
                        // rollback, last first
                        "write ncs/remote_port 6651", "write ncs/dev_name eth0",
                        "write ncs/enabled 1"});
    CHECK(fs.snapshot() == before);
}

TEST_CASE("EINVAL names the attribute, and IPv6 never goes back to IPv4 up to 6.16",
          "[apply][rollback]") {
    FakeConfigfs fs;
    auto v6 = doctor();
    v6.remote_ip = IpAddress::parse("2001:db8:2::2");
    v6.local_ip = IpAddress::parse("2001:db8:1::2");
    run(fs, v6);
    const auto before = fs.snapshot();
    CHECK(error_of(fs, doctor()) == "the kernel refused remote_ip '198.51.100.2' for target ncs "
                                    "(EINVAL); every change was undone | see dmesg for the "
                                    "kernel's own line");
    CHECK(fs.snapshot() == before);
}

TEST_CASE("a failure in the second target undoes the first", "[apply][rollback]") {
    FakeConfigfs fs;
    const auto before = fs.snapshot();
    auto second = doctor(6652);
    second.name = "other";
    fs.fail_write["other/remote_port"] = EIO;
    CHECK_THROWS_AS(apply::apply_targets(fs, FakeConfigfs::k_dir, {doctor(), second}),
                    OperationError);
    CHECK(fs.snapshot() == before);
}

TEST_CASE("userdata and sysdata change while enabled, removals first", "[apply][userdata]") {
    FakeConfigfs fs;
    fs.features.cpu_nr = fs.features.taskname = fs.features.sysdata_release = true;
    auto t = doctor();
    t.extended = true;
    t.userdata = {{"host", "web1"}, {"role", "db"}};
    t.sysdata.taskname = true;
    run(fs, t);
    CHECK(fs.value("ncs/userdata/host/value") == "web1");
    CHECK(fs.value("ncs/userdata/taskname_enabled") == "1");
    fs.log.clear();
    t.userdata = {{"host", "web2"}};
    t.sysdata = {};
    t.sysdata.cpu_nr = true;
    run(fs, t);
    CHECK(fs.log == std::vector<std::string>{
                        "rmdir ncs/userdata/role", "write ncs/userdata/taskname_enabled 0",
                        "write ncs/userdata/host/value web2",
                        "write ncs/userdata/cpu_nr_enabled 1"});
}

TEST_CASE("a missing feature names the kernel that brings it and leaves nothing behind",
          "[apply][features]") {
    FakeConfigfs fs;
    fs.features = {}; // Linux 6.1: no release, no userdata
    const auto before = fs.snapshot();
    auto t = doctor();
    t.extended = t.release = true;
    CHECK(error_of(fs, t) == "this kernel's netconsole has no 'release' attribute | release prefix "
                             "needs Linux 6.6 or newer");
    CHECK(fs.snapshot() == before);
    t.release = false;
    t.userdata = {{"k", "v"}};
    CHECK(error_of(fs, t) == "this kernel's netconsole has no userdata | userdata needs Linux "
                             "6.9 or newer");
    fs.features.userdata = true;
    t.userdata.clear();
    t.sysdata.msgid = true;
    CHECK(error_of(fs, t) == "this kernel's netconsole has no msgid sysdata switch | sysdata "
                             "msgid needs Linux 6.17 or newer");
    CHECK(fs.snapshot() == before);
}

TEST_CASE("mkdir cmdlineN adopts the boot target, and a failure never removes it", "[apply][adopt]") {
    FakeConfigfs fs;
    fs.add_boot_target("cmdline0", {{"enabled", "1"},
                                     {"remote_ip", "198.51.100.2"},
                                     {"local_ip", "192.0.2.10"},
                                     {"remote_port", "6651"},
                                     {"remote_mac", "02:00:00:00:01:01"}});
    auto t = doctor();
    t.name = "cmdline0";
    const auto reports = run(fs, t);
    CHECK(reports[0].outcome == apply::Outcome::adopted);
    CHECK(fs.log == std::vector<std::string>{"mkdir cmdline0"});

    FakeConfigfs other;
    other.add_boot_target("cmdline0", {{"enabled", "1"}, {"remote_ip", "198.51.100.2"}});
    t.device = std::string("nosuch0");
    CHECK_THROWS_AS(run(other, t), OperationError);
    CHECK(other.value("cmdline0/enabled") == "1");
    CHECK(other.value("cmdline0/dev_name") == "eth0");
    CHECK(other.log.back() != "rmdir cmdline0");
}

TEST_CASE("enable and disable never write the current state", "[apply][toggle]") {
    FakeConfigfs fs;
    run(fs, doctor());
    fs.log.clear();
    CHECK(apply::set_enabled(fs, FakeConfigfs::k_dir, "ncs", true) == apply::Toggle::already);
    CHECK(fs.log.empty());
    CHECK(apply::set_enabled(fs, FakeConfigfs::k_dir, "ncs", false) == apply::Toggle::changed);
    CHECK(apply::set_enabled(fs, FakeConfigfs::k_dir, "ncs", false) == apply::Toggle::already);
    CHECK(fs.log == std::vector<std::string>{"write ncs/enabled 0"});
    CHECK_THROWS_WITH(apply::set_enabled(fs, FakeConfigfs::k_dir, "cmdline1", true),
                      "there is no netconsole target cmdline1");
}

TEST_CASE("remove disables, removes the userdata keys, then the directory", "[apply][remove]") {
    FakeConfigfs fs;
    auto t = doctor();
    t.extended = true;
    t.userdata = {{"a", "1"}, {"b", "2"}};
    run(fs, t);
    fs.log.clear();
    apply::remove_target(fs, FakeConfigfs::k_dir, "ncs");
    CHECK(fs.log == std::vector<std::string>{"write ncs/enabled 0", "rmdir ncs/userdata/a",
                                             "rmdir ncs/userdata/b", "rmdir ncs"});
    CHECK_FALSE(fs.exists(FakeConfigfs::k_dir / "ncs"));
}

TEST_CASE("apply, enable, disable and remove change configfs only holding the writers' lock",
          "[apply][lock]") {
    ncs::test::TempTree tree;
    FakeConfigfs fs;
    fs.lock_root.emplace(tree.dir());
    fs.make_directory(FakeConfigfs::k_dir / "other"); // not through lib/apply: counted
    CHECK(fs.unlocked_changes == 1);
    fs.unlocked_changes = 0;
    fs.log.clear();
    auto t = doctor();
    t.extended = true;
    t.userdata = {{"a", "1"}};
    run(fs, t);
    t.remote_port = 6652; // disable, write, enable
    run(fs, t);
    apply::set_enabled(fs, FakeConfigfs::k_dir, "ncs", false);
    apply::set_enabled(fs, FakeConfigfs::k_dir, "ncs", true);
    apply::remove_target(fs, FakeConfigfs::k_dir, "ncs");
    CHECK(fs.log.size() > 10);
    CHECK(fs.unlocked_changes == 0);
    // ... and each let go when done.
    const auto fd = fs.lock_root->open(ncs::k_writer_lock_path, O_RDWR);
    REQUIRE(fd);
    CHECK(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
}

TEST_CASE("target names: one path component, default from remote IP and port", "[apply]") {
    for (const auto* bad : {"", ".", "..", "a/b"}) {
        CHECK_THROWS_AS(apply::validate_target_name(bad), ncs::InputError);
    }
    CHECK_THROWS_AS(apply::validate_target_name(std::string(256, 'x')), ncs::InputError);
    CHECK_NOTHROW(apply::validate_target_name(std::string(255, 'x')));
    CHECK(apply::default_target_name(doctor()) == "ncs-198-51-100-2-6651");
}

TEST_CASE("target names: UTF-8 without control characters, the one rule for every source",
          "[apply]") {
    // C0 (newline, TAB, ESC), NUL, DEL, C1 raw and as UTF-8, and bytes that are not UTF-8.
    for (const std::string& bad : std::vector<std::string>
         {"a\nb", "a\tb", "doc\x1b[31m", std::string("a\0b", 3), "a\x7f", "a\x9b", "a\xc2\x9b",
          "a\xff", "a\xc3", "a\xe0\x80\x80", "a\xed\xa0\x80", "a\xf4\x90\x80\x80", "a\xc0\xaf"}) {
        INFO(bad);
        CHECK_THROWS_WITH(apply::validate_target_name(bad),
                          Catch::Contains("cannot hold a control character or bytes that are not UTF-8"));
    }
    for (const std::string& good : std::vector<std::string>{
             "doctor-1", "médecin", "doctor — web1", "a b", "\xf0\x9f\xa9\xba", "\xc2\xa0x"}) {
        INFO(good);
        CHECK_NOTHROW(apply::validate_target_name(good));
    }
}

TEST_CASE("target names: default and boot-time names", "[apply]") {
    auto v6 = doctor(514);
    v6.remote_ip = IpAddress::parse("2001:db8::5");
    CHECK(apply::default_target_name(v6) == "ncs-2001-db8--5-514");
    CHECK(apply::is_boot_target_name("cmdline0"));
    CHECK(apply::is_boot_target_name("cmdline12"));
    CHECK_FALSE(apply::is_boot_target_name("cmdline"));
    CHECK_FALSE(apply::is_boot_target_name("cmdlinex"));
}
