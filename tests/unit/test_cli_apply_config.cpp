// cli/apply_config.cpp: remove_unlisted(), the end of `apply --config` and of each
// (re)load of `watch --config`: only targets in the record, still in configfs and no
// longer listed go; the record follows. Against FakeConfigfs and a temporary root.
#include "apply_config.hpp"

#include "fake_configfs.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using ncs::cli::remove_unlisted;
using ncs::test::FakeConfigfs;
using ncs::test::TempTree;

namespace {

struct Fixture {
    TempTree tree;
    FakeConfigfs files;
    ncs::cli::GlobalOptions global;
    std::ostringstream out, err;
    ncs::cli::Output output{out, err, global};
    ncs::cli::Context context{global, ncs::Root(tree.dir()), output};

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
          "[cli][apply_config]") {
    Fixture f;
    const auto removed = remove_unlisted(f.files, FakeConfigfs::k_dir, f.context, {"w"}, true);
    CHECK(removed == std::vector<std::string>{"old"}); // 'gone' is not in configfs
    CHECK(f.files.log == std::vector<std::string>{"rmdir old"});
    CHECK(f.files.is_directory(FakeConfigfs::k_dir / "hand"));
    CHECK(f.record() == std::string(k_header) + "'w'\n");
}

TEST_CASE("remove_unlisted keeps them, recorded, while the configuration is incomplete",
          "[cli][apply_config]") {
    Fixture f;
    CHECK(remove_unlisted(f.files, FakeConfigfs::k_dir, f.context, {"w"}, false).empty());
    CHECK(f.files.log.empty());
    CHECK(f.record() == std::string(k_header) + "'w'\n'old'\n");
}

TEST_CASE("remove_unlisted in a dry run names what would go and changes nothing",
          "[cli][apply_config]") {
    Fixture f;
    const auto before = f.record();
    CHECK(remove_unlisted(f.files, FakeConfigfs::k_dir, f.context, {}, true, true) ==
          std::vector<std::string>{"w", "old"}); // in the record's order
    CHECK(f.files.log.empty());
    CHECK(f.record() == before);
}

TEST_CASE("remove_unlisted records a newly listed target", "[cli][apply_config]") {
    Fixture f;
    CHECK(remove_unlisted(f.files, FakeConfigfs::k_dir, f.context, {"w", "old", "hand"}, true)
              .empty());
    // 'hand' is now the configuration's: a later run that drops it removes it.
    CHECK(f.record() == std::string(k_header) + "'w'\n'old'\n'hand'\n");
}

TEST_CASE("remove_unlisted removes and rewrites the record holding the writers' lock",
          "[cli][apply_config][lock]") {
    Fixture f;
    f.files.lock_root = f.context.root; // counts changes made while nobody holds it
    remove_unlisted(f.files, FakeConfigfs::k_dir, f.context, {"w"}, true);
    CHECK(f.files.log == std::vector<std::string>{"rmdir old"});
    CHECK(f.files.unlocked_changes == 0);
    CHECK(f.tree.read("/run/netconsole-setup/lock").empty()); // let go: no holder named
}
