// Root: opening the root directory, resolving inside it, and the --root rule for
// the running kernel (only "/" hands out a LiveKernel).
#include "system/root.hpp"

#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

using ncs::Root;
using ncs::test::TempTree;

TEST_CASE("a root that does not exist or is not a directory is bad input", "[root]") {
    TempTree tree;
    CHECK_THROWS_AS(Root(tree.path("/nosuch")), ncs::InputError);
    tree.write("/file", "x");
    CHECK_THROWS_AS(Root(tree.path("/file")), ncs::InputError);
    CHECK_THROWS_AS(Root(tree.path("/file/below")), ncs::InputError);
    CHECK_THROWS_AS(Root(""), ncs::InputError);
    CHECK_NOTHROW(Root(tree.dir()));
}

TEST_CASE("only the system root acts on the running kernel", "[root]") {
    TempTree tree;
    CHECK(Root("/").is_system_root());
    CHECK(Root("//.").is_system_root());
    CHECK_NOTHROW(Root("/").live_kernel("'apply'"));
    const Root other(tree.dir());
    CHECK_FALSE(other.is_system_root());
    try {
        other.live_kernel("'apply'");
        FAIL("no exception");
    } catch (const ncs::InputError& e) {
        CHECK_THAT(e.what(), Catch::Contains("'apply' acts on the running kernel"));
        CHECK_THAT(e.text(), Catch::Contains(ncs::mention(ncs::Field::root)));
    }
}

TEST_CASE("Root::open resolves absolute links and .. inside the root", "[root]") {
    TempTree tree;
    tree.write("/etc/hostname", "inside\n");
    std::filesystem::create_symlink("/etc/hostname", tree.path("/absolute"));
    std::filesystem::create_symlink("../../../../../etc/hostname", tree.path("/relative"));
    const Root root(tree.dir());
    for (const char* path : {"/etc/hostname", "/absolute", "/relative", "/../../etc/hostname",
                             "etc/hostname"}) {
        INFO(path);
        const auto fd = root.open(path, O_RDONLY);
        REQUIRE(fd);
        char buffer[16] = {};
        CHECK(::read(fd.get(), buffer, sizeof buffer - 1) == 7);
        CHECK(std::string(buffer) == "inside\n");
    }
}
