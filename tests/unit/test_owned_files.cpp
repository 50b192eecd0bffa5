// lib/ops/owned_files.cpp: plans of the tool's files (a foreign file refused, a removal
// that leaves one), and carry_out() writing them holding the writers' lock, only while
// they still hold what the plan read (and showed).
#include "ops/owned_files.hpp"

#include "model/errors.hpp"
#include "system/writer_lock.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>

using ncs::ops::FileAction;
using ncs::ops::FilePlan;
using ncs::ops::Force;
using ncs::ops::OwnedFileError;
using ncs::test::TempTree;

namespace {

struct Fixture {
    TempTree tree;
    ncs::Root root{tree.dir()};
};

constexpr const char* k_path = "/etc/modprobe.d/netconsole.conf";
constexpr const char* k_content = "# Managed by netconsole-setup.\noptions netconsole x\n";

} // namespace

TEST_CASE("carry_out writes the plan and lets go of the lock", "[ops][owned_files][lock]") {
    Fixture f;
    const auto plan = ncs::ops::plan_write(f.root, k_path, k_content, Force::no);
    CHECK(ncs::ops::file_action(plan) == FileAction::create);
    ncs::ops::carry_out(f.root, {plan});
    CHECK(f.tree.read(k_path) == k_content);
    CHECK(f.tree.read(ncs::k_writer_lock_path).empty()); // taken (the file exists), let go
    const auto fd = f.root.open(ncs::k_writer_lock_path, O_RDWR);
    REQUIRE(fd);
    CHECK(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
}

TEST_CASE("carry_out refuses a file another writer changed since the plan",
          "[ops][owned_files][lock]") {
    Fixture f;
    const auto plan = ncs::ops::plan_write(f.root, k_path, k_content, Force::no);
    f.tree.write(k_path, "# Managed by netconsole-setup.\nwritten meanwhile\n");
    try {
        ncs::ops::carry_out(f.root, {plan});
        FAIL("carried out over a changed file");
    } catch (const OwnedFileError& error) {
        CHECK(error.kind() == OwnedFileError::Kind::changed);
        CHECK(error.path() == k_path);
        CHECK(std::string(error.what()) ==
              "/etc/modprobe.d/netconsole.conf changed while netconsole-setup ran; "
              "nothing was written");
    }
    CHECK(f.tree.read(k_path) == "# Managed by netconsole-setup.\nwritten meanwhile\n");
}

TEST_CASE("plan_write refuses a foreign file unless forced", "[ops][owned_files]") {
    Fixture f;
    f.tree.write(k_path, "options netconsole mine\n");
    try {
        (void)ncs::ops::plan_write(f.root, k_path, k_content, Force::no);
        FAIL("planned over a foreign file");
    } catch (const OwnedFileError& error) {
        CHECK(error.kind() == OwnedFileError::Kind::foreign);
    }
    const auto forced = ncs::ops::plan_write(f.root, k_path, k_content, Force::yes);
    CHECK(forced.foreign);
    CHECK(ncs::ops::file_action(forced) == FileAction::replace);
}

TEST_CASE("plan_remove leaves a foreign file and says so", "[ops][owned_files]") {
    Fixture f;
    f.tree.write(k_path, "options netconsole mine\n");
    const auto foreign = ncs::ops::plan_remove(f.root, k_path);
    CHECK(foreign.left == FilePlan::Left::foreign);
    CHECK(ncs::ops::file_action(foreign) == FileAction::unchanged);
    f.tree.write(k_path, k_content);
    const auto owned = ncs::ops::plan_remove(f.root, k_path);
    CHECK(owned.left == FilePlan::Left::no);
    CHECK(ncs::ops::file_action(owned) == FileAction::remove);
}
