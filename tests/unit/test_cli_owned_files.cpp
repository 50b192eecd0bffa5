// cli/owned_files.cpp: carry_out() writes the planned files holding the writers'
// lock, and only while they still hold what the plan read (and showed).
#include "owned_files.hpp"

#include "model/errors.hpp"
#include "system/writer_lock.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>

#include <sstream>

using ncs::cli::Force;
using ncs::test::TempTree;

namespace {

struct Fixture {
    TempTree tree;
    ncs::cli::GlobalOptions global;
    std::ostringstream out, err;
    ncs::cli::Output output{out, err, global};
    ncs::cli::Context context{global, ncs::Root(tree.dir()), output};
};

constexpr const char* k_path = "/etc/modprobe.d/netconsole.conf";
constexpr const char* k_content = "# Managed by netconsole-setup.\noptions netconsole x\n";

} // namespace

TEST_CASE("carry_out writes the plan and lets go of the lock", "[cli][owned_files][lock]") {
    Fixture f;
    const auto plan = ncs::cli::plan_write(f.context, k_path, k_content, Force::no);
    ncs::cli::carry_out(f.context, {plan});
    CHECK(f.tree.read(k_path) == k_content);
    CHECK(f.tree.read(ncs::k_writer_lock_path).empty()); // taken (the file exists), let go
    const auto fd = f.context.root.open(ncs::k_writer_lock_path, O_RDWR);
    REQUIRE(fd);
    CHECK(::flock(fd.get(), LOCK_EX | LOCK_NB) == 0);
}

TEST_CASE("carry_out refuses a file another writer changed since the plan",
          "[cli][owned_files][lock]") {
    Fixture f;
    const auto plan = ncs::cli::plan_write(f.context, k_path, k_content, Force::no);
    f.tree.write(k_path, "# Managed by netconsole-setup.\nwritten meanwhile\n");
    CHECK_THROWS_WITH(ncs::cli::carry_out(f.context, {plan}),
                      "/etc/modprobe.d/netconsole.conf changed while netconsole-setup ran; "
                      "nothing was written");
    CHECK(f.tree.read(k_path) == "# Managed by netconsole-setup.\nwritten meanwhile\n");
}
