// lib/reconcile/reconcile.cpp: the plan for each change kind against the live state
// the record-and-assert FakeConfigfs holds, and its apply through lib/apply.
#include "reconcile/reconcile.hpp"

#include "fake_configfs.hpp"
#include "model/errors.hpp"

#include <catch2/catch.hpp>

using ncs::IpAddress;
using ncs::MacAddress;
using ncs::Target;
using ncs::test::FakeConfigfs;
namespace reconcile = ncs::reconcile;
using Kind = reconcile::TargetPlan::Kind;

namespace {

Target doctor() {
    Target t;
    t.name = "w";
    t.device = std::string("eth0");
    t.remote_ip = IpAddress::parse("198.51.100.2");
    t.remote_port = 6651;
    t.remote_mac = MacAddress::parse("02:00:00:00:00:01");
    return t;
}

reconcile::Wanted wanted(const Target& t) {
    return {t.name, t, {}, false, IpAddress::parse("192.0.2.1")};
}

/// A FakeConfigfs holding doctor() applied and enabled, its log cleared.
struct Applied {
    FakeConfigfs fs;
    Applied() {
        fs.devices["eth1"] = "192.0.2.77";
        ncs::apply::apply_targets(fs, FakeConfigfs::k_dir, {doctor()});
        fs.log.clear();
    }
    reconcile::Live live() const { return reconcile::read_live(fs, FakeConfigfs::k_dir); }
    /// Plans t, applies the plan, returns it.
    reconcile::Plan run(const Target& t) {
        auto p = reconcile::plan({wanted(t)}, live());
        reconcile::apply_plan(fs, FakeConfigfs::k_dir, p);
        return p;
    }
};

} // namespace

TEST_CASE("nothing changed: the plan is unchanged and applying it writes nothing", "[reconcile]") {
    Applied a;
    const auto p = a.run(doctor());
    REQUIRE(p.targets.size() == 1);
    CHECK(p.targets[0].kind == Kind::unchanged);
    CHECK(p.targets[0].changes.empty());
    CHECK_FALSE(p.changes_anything());
    CHECK(a.fs.log.empty());
}

TEST_CASE("a new next-hop MAC: disable, remote_mac, enable, with the gateway as reason",
          "[reconcile]") {
    Applied a;
    auto t = doctor();
    t.remote_mac = MacAddress::parse("02:00:00:00:00:03");
    const auto p = a.run(t);
    CHECK(p.targets[0].kind == Kind::update);
    CHECK(p.targets[0].changes ==
          std::vector<reconcile::Change>{{"remote_mac", "02:00:00:00:00:01", "02:00:00:00:00:03",
                                          "gateway 192.0.2.1 answered with a new MAC"}});
    // No source was given: apply::plan writes 0 so that the kernel picks again.
    CHECK(a.fs.log == std::vector<std::string>{"write w/enabled 0", "write w/local_ip 0.0.0.0",
                                               "write w/remote_mac 02:00:00:00:00:03",
                                               "write w/enabled 1"});
}

TEST_CASE("a new MAC from a permanent entry is named as set by hand, not as an answer",
          "[reconcile]") {
    Applied a;
    auto t = doctor();
    t.remote_mac = MacAddress::parse("02:00:00:00:00:03");
    auto w = wanted(t);
    w.permanent_mac = true;
    const auto p = reconcile::plan({w}, a.live());
    CHECK(p.targets[0].changes.at(0).reason ==
          "the neighbour table's permanent entry for gateway 192.0.2.1, set by hand, has a new MAC");
}

TEST_CASE("an on-link remote's new MAC names the remote, not a gateway", "[reconcile]") {
    Applied a;
    auto t = doctor();
    t.remote_mac = MacAddress::parse("02:00:00:00:00:03");
    auto w = wanted(t);
    w.next_hop = t.remote_ip;
    const auto p = reconcile::plan({w}, a.live());
    CHECK(p.targets[0].changes.at(0).reason == "198.51.100.2 answered with a new MAC");
}

TEST_CASE("a new local IP given as --src is written, and the kernel's own pick is not redone",
          "[reconcile]") {
    Applied a;
    // With no source the fake picked eth0's 192.0.2.10 at enable (sticky).
    CHECK(a.fs.value("w/local_ip") == "192.0.2.10");
    auto t = doctor();
    t.local_ip = IpAddress::parse("192.0.2.20");
    const auto p = a.run(t);
    CHECK(p.targets[0].changes ==
          std::vector<reconcile::Change>{
              {"local_ip", "192.0.2.10", "192.0.2.20", "the source address changed"}});
    CHECK(a.fs.log == std::vector<std::string>{"write w/enabled 0", "write w/local_ip 192.0.2.20",
                                               "write w/enabled 1"});
}

TEST_CASE("a device change moves the target and lets the kernel pick the source again",
          "[reconcile]") {
    Applied a;
    auto t = doctor();
    t.device = std::string("eth1");
    const auto p = a.run(t);
    // The kernel's new pick of the source is no change of ours to report.
    CHECK(p.targets[0].changes == std::vector<reconcile::Change>{
                                      {"dev_name", "eth0", "eth1", "the route now leaves by eth1"}});
    CHECK(p.targets[0].operations.at(2) ==
          ncs::apply::Operation{ncs::apply::Operation::Kind::write, "local_ip", "0.0.0.0",
                                "192.0.2.10"});
    CHECK(a.fs.value("w/dev_name") == "eth1");
    CHECK(a.fs.value("w/local_ip") == "192.0.2.77"); // eth1's address, picked at enable
    CHECK(a.fs.value("w/enabled") == "1");
}

TEST_CASE("a target that cannot be resolved now is kept, never disabled", "[reconcile]") {
    Applied a;
    reconcile::Wanted w{"w", std::nullopt, "no route to 198.51.100.2", false, std::nullopt};
    const auto p = reconcile::plan({w}, a.live());
    CHECK(p.targets[0].kind == Kind::keep);
    CHECK_FALSE(p.changes_anything());
    REQUIRE(p.warnings.size() == 1);
    CHECK(p.warnings[0].kind == reconcile::WarningKind::unresolved);
    CHECK(p.warnings[0].warning.message ==
          "no route to 198.51.100.2; the target is left as it is");
    reconcile::apply_plan(a.fs, FakeConfigfs::k_dir, p);
    CHECK(a.fs.log.empty());
    CHECK(a.fs.value("w/enabled") == "1");
}

TEST_CASE("a target whose device is gone is left alone, with a typed warning", "[reconcile]") {
    Applied a;
    a.fs.devices.erase("eth0");
    reconcile::Wanted w{"w", std::nullopt, "there is no device eth0", true, std::nullopt};
    const auto p = reconcile::plan({w}, a.live());
    CHECK(p.targets[0].kind == Kind::keep);
    CHECK(p.warnings.at(0).kind == reconcile::WarningKind::device_gone);
    reconcile::apply_plan(a.fs, FakeConfigfs::k_dir, p);
    CHECK(a.fs.log.empty());
}

TEST_CASE("a new target is planned as create and applied with mkdir first", "[reconcile]") {
    FakeConfigfs fs;
    const auto live = reconcile::read_live(fs, FakeConfigfs::k_dir);
    CHECK(live.configfs);
    CHECK(live.targets.empty());
    const auto p = reconcile::plan({wanted(doctor())}, live);
    CHECK(p.targets[0].kind == Kind::create);
    CHECK(p.targets[0].changes.at(0) ==
          reconcile::Change{"remote_ip", "0.0.0.0", "198.51.100.2", {}});
    const auto reports = reconcile::apply_plan(fs, FakeConfigfs::k_dir, p);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].outcome == ncs::apply::Outcome::created);
    CHECK(fs.log.front() == "mkdir w");
    CHECK(fs.log.back() == "write w/enabled 1");
}

TEST_CASE("a disabled target is enabled again, and says so", "[reconcile]") {
    Applied a;
    a.fs.set("w/enabled", "0");
    const auto p = a.run(doctor());
    CHECK(p.targets[0].changes == std::vector<reconcile::Change>{{"enabled", "0", "1", {}}});
    CHECK(a.fs.log == std::vector<std::string>{"write w/local_ip 0.0.0.0", "write w/enabled 1"});
}

TEST_CASE("userdata changes are made while enabled, without a disable", "[reconcile]") {
    Applied a;
    auto t = doctor();
    t.userdata = {{"host", "web1"}};
    const auto p = a.run(t);
    CHECK(p.targets[0].changes ==
          std::vector<reconcile::Change>{{"userdata/host/value", "", "web1", {}}});
    CHECK(a.fs.log == std::vector<std::string>{"mkdir w/userdata/host",
                                               "write w/userdata/host/value web1"});
}

TEST_CASE("a failing write undoes every target of the plan", "[reconcile]") {
    Applied a;
    const auto before = a.fs.snapshot();
    auto t = doctor();
    t.remote_mac = MacAddress::parse("02:00:00:00:00:03");
    auto other = doctor();
    other.name = "x";
    a.fs.fail_write["x/remote_ip"] = EINVAL;
    const auto p = reconcile::plan({wanted(t), wanted(other)}, a.live());
    CHECK_THROWS_AS(reconcile::apply_plan(a.fs, FakeConfigfs::k_dir, p), ncs::OperationError);
    CHECK(a.fs.snapshot() == before);
}

TEST_CASE("expected_live is what a plan against it leaves unchanged", "[reconcile]") {
    ncs::ConfigfsFeatures features{.release = true, .userdata = true, .cpu_nr = true};
    auto t = doctor();
    t.userdata = {{"b", "2"}, {"a", "1"}};
    t.sysdata.cpu_nr = true;
    t.extended = true;
    const reconcile::Live live{true, {reconcile::expected_live(t, features)}, features};
    CHECK(reconcile::plan({wanted(t)}, live).targets[0].kind == Kind::unchanged);
    t.remote_port = 7000;
    const auto p = reconcile::plan({wanted(t)}, live);
    CHECK(p.targets[0].changes ==
          std::vector<reconcile::Change>{{"remote_port", "6651", "7000", {}}});
}

TEST_CASE("desired targets are validated once, with where they came from", "[reconcile]") {
    reconcile::DesiredTarget d;
    d.where = "/etc/netconsole-setup.conf:3";
    d.name = "a/b";
    CHECK_THROWS_WITH(reconcile::validate(d),
                      "/etc/netconsole-setup.conf:3: 'a/b' cannot be a target name");
    d.name = "ok";
    d.userdata = {{"k", "1"}, {"k", "2"}};
    try {
        reconcile::validate(d);
        FAIL("a key given twice was taken");
    } catch (const ncs::FieldError& error) {
        // Rethrown as itself with its location, so the CLI still names the flag.
        CHECK(error.field() == ncs::Field::userdata);
        CHECK(error.where() == "/etc/netconsole-setup.conf:3");
        CHECK(error.text() == "key 'k' is given twice");
    }
    d.userdata.clear();
    d.request.dev = ncs::MacAddress::parse("52:54:00:00:01:02");
    CHECK_THROWS_MATCHES(
        reconcile::validate(d), ncs::FieldError,
        Catch::Predicate<ncs::FieldError>(
            [](const ncs::FieldError& e) {
                return e.field() == ncs::Field::device &&
                       e.where() == "/etc/netconsole-setup.conf:3" &&
                       e.text() == "52:54:00:00:01:02: configfs cannot choose the device by MAC";
            },
            "configfs refuses a device by MAC, located"));
    d.request.dev = std::string("eth0");
    reconcile::validate(d);
    auto e = d;
    e.where = "command line";
    CHECK_THROWS_WITH(reconcile::validate(std::vector{d, e}), "a second target named ok");
    try {
        reconcile::validate(std::vector{e, d}); // the second one is the file's
        FAIL("a name given twice was taken");
    } catch (const ncs::InputError& error) {
        CHECK(error.where() == "/etc/netconsole-setup.conf:3");
        CHECK(error.text() == "a second target named ok");
    }
}

TEST_CASE("warnings are typed: userdata on a plain target, versions by kind", "[reconcile]") {
    reconcile::DesiredTarget d;
    d.userdata = {{"host", "web1"}};
    ncs::Resolution r;
    r.target = doctor();
    const auto t = reconcile::finish(d, r);
    CHECK(t.name == "ncs-198-51-100-2-6651");
    const auto warnings = reconcile::warnings_of(d, r, t);
    auto count = [&](reconcile::WarningKind kind) {
        return std::count_if(warnings.begin(), warnings.end(),
                             [&](const reconcile::TargetWarning& w) { return w.kind == kind; });
    };
    CHECK(count(reconcile::WarningKind::userdata_not_extended) == 1);
    CHECK(count(reconcile::WarningKind::needs_newer_kernel) == 1); // userdata
}

TEST_CASE("a first target's features are not refused before the kernel shows them",
          "[reconcile]") {
    // No target directory yet: the kernel has shown no feature. The vm tier found
    // `apply --release --userdata` refused on 6.12 and 7.x this way.
    FakeConfigfs fs; // a kernel with release and userdata
    const auto live = reconcile::read_live(fs, FakeConfigfs::k_dir);
    CHECK(live.features == reconcile::all_features());
    auto t = doctor();
    t.extended = true;
    t.release = true;
    t.userdata = {{"host", "patient"}};
    const auto p = reconcile::plan({wanted(t)}, live);
    REQUIRE(p.targets.size() == 1);
    CHECK(p.targets[0].kind == Kind::create);
    const auto reports = reconcile::apply_plan(fs, FakeConfigfs::k_dir, p);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].outcome == ncs::apply::Outcome::created);
    CHECK(fs.value("w/release") == "1");
    CHECK(fs.value("w/userdata/host/value") == "patient");
}

TEST_CASE("a feature the fresh target lacks is refused when applied, and undone",
          "[reconcile]") {
    FakeConfigfs fs;
    fs.features = {}; // a 6.1 kernel: no release, no userdata
    auto t = doctor();
    t.extended = true;
    t.release = true;
    const auto p = reconcile::plan({wanted(t)}, reconcile::read_live(fs, FakeConfigfs::k_dir));
    CHECK_THROWS_AS(reconcile::apply_plan(fs, FakeConfigfs::k_dir, p), ncs::OperationError);
    CHECK_FALSE(fs.is_directory(FakeConfigfs::k_dir / "w"));
}

TEST_CASE("read_live of some names reads only those targets, features from any", "[reconcile]") {
    FakeConfigfs fs;
    fs.features = {.release = true, .userdata = false};
    auto other = doctor();
    other.name = "other";
    other.remote_port = 6652;
    ncs::apply::apply_targets(fs, FakeConfigfs::k_dir, {doctor(), other});

    const auto only_w = reconcile::read_live(fs, FakeConfigfs::k_dir, {"w"});
    REQUIRE(only_w.targets.size() == 1);
    CHECK(only_w.targets[0].name == "w");
    CHECK(only_w.targets[0].remote_port == 6651);
    CHECK(only_w.features.release);
    CHECK_FALSE(only_w.features.userdata);

    // A target about to be made: none read, this kernel's features still known
    // (from another target), so the plan refuses what the kernel lacks.
    const auto fresh = reconcile::read_live(fs, FakeConfigfs::k_dir, {"new"});
    CHECK(fresh.targets.empty());
    CHECK(fresh.features.release);
    CHECK_FALSE(fresh.features.userdata);

    // The plan of "w" is the same against either read.
    const auto all = reconcile::read_live(fs, FakeConfigfs::k_dir);
    CHECK(all.targets.size() == 2);
    CHECK(reconcile::plan({wanted(doctor())}, only_w).targets[0].kind ==
          reconcile::plan({wanted(doctor())}, all).targets[0].kind);

    // With no target at all: every feature assumed, as read_live(files, dir).
    FakeConfigfs empty;
    CHECK(reconcile::read_live(empty, FakeConfigfs::k_dir, {"w"}).features.userdata);
}

namespace {

/// The fake, where reading one target's attribute finds it removed by "another
/// command" right after it was listed (a `remove` racing a watch's read), with
/// Race::making finds its directory without the attribute yet (another writer's
/// mkdir, which configfs shows before the attributes), or, with Race::no, fails
/// while it is still there.
enum class Race { yes, making, no };
class RemovedWhileRead final : public ncs::ConfigfsFiles {
public:
    RemovedWhileRead(FakeConfigfs& fs, std::string name, Race race)
        : m_fs(fs), m_name(std::move(name)), m_race(race) {}
    bool exists(const std::filesystem::path& p) const override { return m_fs.exists(p); }
    bool is_directory(const std::filesystem::path& p) const override {
        return m_fs.is_directory(p);
    }
    std::vector<std::string> subdirectories(const std::filesystem::path& d) const override {
        return m_fs.subdirectories(d);
    }
    std::string read(const std::filesystem::path& file) const override {
        if (file.parent_path() == FakeConfigfs::k_dir / m_name) {
            if (m_race == Race::no) {
                throw std::system_error(EIO, std::generic_category(), file.string());
            }
            if (m_race == Race::making) {
                throw std::system_error(ENOENT, std::generic_category(), file.string());
            }
            if (m_fs.is_directory(file.parent_path())) {
                ncs::apply::remove_target(m_fs, FakeConfigfs::k_dir, m_name);
            }
        }
        return m_fs.read(file);
    }
    void write(const std::filesystem::path& f, std::string_view t) override { m_fs.write(f, t); }
    void make_directory(const std::filesystem::path& d) override { m_fs.make_directory(d); }
    void remove_directory(const std::filesystem::path& d) override { m_fs.remove_directory(d); }
    std::optional<ncs::WriterLock> hold_writers() override { return std::nullopt; }

private:
    FakeConfigfs& m_fs;
    std::string m_name;
    Race m_race;
};

} // namespace

TEST_CASE("read_live takes a target removed while it reads for absent", "[reconcile]") {
    FakeConfigfs fs;
    auto other = doctor();
    other.name = "gone";
    other.remote_port = 6652;
    ncs::apply::apply_targets(fs, FakeConfigfs::k_dir, {doctor(), other});
    // A read that fails on a target still there is an error.
    RemovedWhileRead failing(fs, "gone", Race::no);
    CHECK_THROWS_AS(reconcile::read_live(failing, FakeConfigfs::k_dir), std::system_error);
    RemovedWhileRead racing(fs, "gone", Race::yes);
    const auto live = reconcile::read_live(racing, FakeConfigfs::k_dir);
    REQUIRE(live.targets.size() == 1);
    CHECK(live.targets[0].name == "w");
    CHECK_FALSE(fs.is_directory(FakeConfigfs::k_dir / "gone"));
}

TEST_CASE("read_live takes a target another writer is making for absent", "[reconcile]") {
    // The vm torture case: `apply tb` read while watch re-made w2 after a reload, and
    // failed with "cannot read .../w2/enabled"; apply_plan reads again under the lock.
    FakeConfigfs fs;
    auto other = doctor();
    other.name = "made";
    other.remote_port = 6652;
    ncs::apply::apply_targets(fs, FakeConfigfs::k_dir, {doctor(), other});
    RemovedWhileRead making(fs, "made", Race::making);
    const auto live = reconcile::read_live(making, FakeConfigfs::k_dir);
    REQUIRE(live.targets.size() == 1);
    CHECK(live.targets[0].name == "w");
    // Only that target in flux: features come from nowhere else, so all are assumed.
    CHECK(reconcile::read_live(making, FakeConfigfs::k_dir, {"made"}).features.userdata);
}
