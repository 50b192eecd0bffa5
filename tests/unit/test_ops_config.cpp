// lib/ops/config.cpp, the configuration sources. remove_unlisted(), the end of
// `apply --config` and of each (re)load of `watch --config`: only targets in the record,
// still in configfs and no longer listed go; the record follows. Against FakeConfigfs
// and a temporary root. Red Hat's /etc/sysconfig/netconsole as a desired target; the
// Debian netconsole-setup 0.3 form [+][PORT]@HOST, word by word.
#include "ops/config.hpp"

#include "fake_configfs.hpp"
#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

using ncs::ops::CompatTarget;
using ncs::ops::DryRunRecord;
using ncs::ops::parse_compat_target;
using ncs::ops::redhat_desired;
using ncs::ops::remove_unlisted;
using ncs::persist::parse_redhat_netconsole;
using ncs::test::FakeConfigfs;
using ncs::test::TempTree;

namespace {

struct Fixture {
    TempTree tree;
    FakeConfigfs files;
    ncs::Root root{tree.dir()};

    Fixture() {
        for (const char* name : {"w", "old", "hand"}) {
            files.make_directory(FakeConfigfs::k_dir / name);
        }
        files.log.clear();
        tree.write("/run/netconsole-setup/config-targets", "# record\n'w'\n'old'\n'gone'\n");
    }
    std::string record() const { return tree.read("/run/netconsole-setup/config-targets"); }
};

const char* const k_header = "# Targets made by netconsole-setup apply --config; it removes them "
                             "when\n# the configuration no longer lists them.\n";

} // namespace

TEST_CASE("remove_unlisted removes recorded targets no longer listed, never hand-made ones",
          "[ops][config]") {
    Fixture f;
    const auto removed = remove_unlisted(f.files, FakeConfigfs::k_dir, f.root, {"w"}, true);
    CHECK(removed == std::vector<std::string>{"old"}); // 'gone' is not in configfs
    CHECK(f.files.log == std::vector<std::string>{"rmdir old"});
    CHECK(f.files.is_directory(FakeConfigfs::k_dir / "hand"));
    CHECK(f.record() == std::string(k_header) + "'w'\n");
}

TEST_CASE("remove_unlisted keeps them, recorded, while the configuration is incomplete",
          "[ops][config]") {
    Fixture f;
    CHECK(remove_unlisted(f.files, FakeConfigfs::k_dir, f.root, {"w"}, false).empty());
    CHECK(f.files.log.empty());
    CHECK(f.record() == std::string(k_header) + "'w'\n'old'\n");
}

TEST_CASE("remove_unlisted in a dry run names what would go and changes nothing",
          "[ops][config]") {
    Fixture f;
    const auto before = f.record();
    DryRunRecord record;
    CHECK(remove_unlisted(f.files, FakeConfigfs::k_dir, f.root, {}, true, record) ==
          std::vector<std::string>{"w", "old"}); // in the record's order
    CHECK(f.files.log.empty());
    CHECK(f.record() == before);
    // The next pass goes on from the record as the real run would have written it.
    CHECK(record.names == std::vector<std::string>{});
}

TEST_CASE("remove_unlisted records a newly listed target", "[ops][config]") {
    Fixture f;
    CHECK(remove_unlisted(f.files, FakeConfigfs::k_dir, f.root, {"w", "old", "hand"}, true)
              .empty());
    // 'hand' is now the configuration's: a later run that drops it removes it.
    CHECK(f.record() == std::string(k_header) + "'w'\n'old'\n'hand'\n");
}

TEST_CASE("remove_unlisted removes and rewrites the record holding the writers' lock",
          "[ops][config][lock]") {
    Fixture f;
    f.files.lock_root = f.root; // counts changes made while nobody holds it
    remove_unlisted(f.files, FakeConfigfs::k_dir, f.root, {"w"}, true);
    CHECK(f.files.log == std::vector<std::string>{"rmdir old"});
    CHECK(f.files.unlocked_changes == 0);
    CHECK(f.tree.read("/run/netconsole-setup/lock").empty()); // let go: no holder named
}

namespace {

auto desired(const char* text) {
    return redhat_desired(parse_redhat_netconsole(text, "/etc/sysconfig/netconsole"));
}

} // namespace

TEST_CASE("SYSLOGADDR alone: Red Hat's ports 514 and 6666, the rest resolved", "[redhat]") {
    const auto d = desired("SYSLOGADDR=192.0.2.5\n");
    REQUIRE(d);
    CHECK(d->where == "/etc/sysconfig/netconsole:1");
    CHECK(d->request.to == "192.0.2.5");
    CHECK(d->request.remote_port == 514);
    CHECK(d->request.local_port == 6666);
    CHECK_FALSE(d->request.mac);
    CHECK_FALSE(d->request.dev);
    CHECK_FALSE(d->name);
}

TEST_CASE("every Red Hat variable reaches the request", "[redhat]") {
    const auto d = desired("SYSLOGADDR=doctor.example\nSYSLOGPORT=6666\nLOCALPORT=6665\n"
                           "DEV=eth1\nSYSLOGMACADDR=02:00:00:00:00:05\n");
    REQUIRE(d);
    CHECK(d->request.to == "doctor.example");
    CHECK(d->request.remote_port == 6666);
    CHECK(d->request.local_port == 6665);
    CHECK(d->request.dev == std::optional<ncs::Device>(std::string("eth1")));
    CHECK(d->request.mac == ncs::MacAddress::parse("02:00:00:00:00:05"));
}

TEST_CASE("no SYSLOGADDR, no target, and bad values name the file and line", "[redhat]") {
    CHECK_FALSE(desired("# SYSLOGADDR=\nDEV=eth0\n"));
    CHECK_THROWS_WITH(desired("SYSLOGADDR=a\nSYSLOGPORT=0\n"),
                      "/etc/sysconfig/netconsole:2: SYSLOGPORT: '0' is not a port number");
    CHECK_THROWS_WITH(desired("SYSLOGADDR=a\n\nSYSLOGMACADDR=zz\n"),
                      "/etc/sysconfig/netconsole:3: SYSLOGMACADDR: 'zz' is not a MAC address");
}

TEST_CASE("the Debian form: '+' is extended, PORT the remote port, the rest the host",
          "[compat]") {
    CHECK(parse_compat_target("@doctor") == CompatTarget{false, std::nullopt, "doctor"});
    CHECK(parse_compat_target("+@doctor") == CompatTarget{true, std::nullopt, "doctor"});
    CHECK(parse_compat_target("6666@doctor") == CompatTarget{false, 6666, "doctor"});
    CHECK(parse_compat_target("+514@doctor.example") == CompatTarget{true, 514, "doctor.example"});
    CHECK(parse_compat_target("192.0.2.5") == CompatTarget{false, std::nullopt, "192.0.2.5"});
    CHECK(parse_compat_target("doctor.example") ==
          CompatTarget{false, std::nullopt, "doctor.example"});
}

TEST_CASE("the Debian form takes IPv6 addresses bare, and in brackets", "[compat]") {
    CHECK(parse_compat_target("2001:db8::5") == CompatTarget{false, std::nullopt, "2001:db8::5"});
    CHECK(parse_compat_target("+6666@2001:db8::5") == CompatTarget{true, 6666, "2001:db8::5"});
    CHECK(parse_compat_target("@[2001:db8::5]") ==
          CompatTarget{false, std::nullopt, "2001:db8::5"});
    CHECK(parse_compat_target("[2001:db8::5]") ==
          CompatTarget{false, std::nullopt, "2001:db8::5"});
}

TEST_CASE("only a '+' and digits before the '@' are a prefix, as in Debian's regex",
          "[compat]") {
    // ^((\+)?([0-9]+)?@)?(.+)$: "x@host" has no prefix, the whole word is the host.
    CHECK(parse_compat_target("x@doctor.example").host == "x@doctor.example");
    CHECK(parse_compat_target("+@6666@doctor").host == "6666@doctor");
}

TEST_CASE("a bare word without a dot or colon is taken for a mistyped command", "[compat]") {
    CHECK_THROWS_WITH(parse_compat_target("frobnicate"), "unknown command 'frobnicate'");
    CHECK_THROWS_WITH(parse_compat_target("lsit"), "unknown command 'lsit'");
}

TEST_CASE("the Debian form refuses what cannot be a port, a host or a target name",
          "[compat]") {
    CHECK_THROWS_AS(parse_compat_target("@"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("+@"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("@[]"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("70000@doctor"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("0@doctor"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("@.."), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("@a/b.example"), ncs::InputError);
    CHECK_THROWS_WITH(parse_compat_target("+doctor.example"),
                      "'+doctor.example' is not a host name");
}
