// Built in, loadable, loaded or absent, read from a temporary root tree laid
// out as Debian kernels lay it out.
#include "system/module_state.hpp"

#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using ncs::ModuleKind;
using ncs::read_module_state;
using ncs::Root;
using ncs::test::TempTree;

namespace {

constexpr const char* k_release = "6.1.0-test-amd64";

void write_index(const TempTree& tree, const char* builtin, const char* dep,
                 const char* alias = "") {
    const std::string dir = std::string("/lib/modules/") + k_release;
    tree.write(dir + "/modules.builtin", builtin);
    tree.write(dir + "/modules.dep", dep);
    tree.write(dir + "/modules.alias", alias);
}

} // namespace

TEST_CASE("a module listed in modules.builtin is built in", "[module_state]") {
    TempTree tree;
    write_index(tree, "kernel/drivers/net/dummy.ko\nkernel/drivers/net/netconsole.ko\n",
                "kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko\n");
    const auto state = read_module_state(Root(tree.dir()), "netconsole", k_release);
    CHECK(state.index_found);
    CHECK(state.builtin);
    CHECK_FALSE(state.loadable);
    CHECK(state.kind() == ModuleKind::builtin);
    CHECK(state.release == k_release);
}

TEST_CASE("a module in modules.dep is loadable, compressed or not", "[module_state]") {
    TempTree tree;
    write_index(tree, "kernel/drivers/net/dummy.ko\n",
                "kernel/drivers/net/netconsole.ko.xz: kernel/drivers/net/configfs.ko.xz\n"
                "kernel/fs/configfs/configfs.ko.zst:\n");
    const Root root(tree.dir());
    CHECK(read_module_state(root, "netconsole", k_release).kind() == ModuleKind::loadable);
    CHECK(read_module_state(root, "configfs", k_release).kind() == ModuleKind::loadable);
    CHECK(read_module_state(root, "dummy", k_release).kind() == ModuleKind::builtin);
    CHECK(read_module_state(root, "ext4", k_release).kind() == ModuleKind::absent);
}

TEST_CASE("a module named only by modules.alias is loadable", "[module_state]") {
    TempTree tree;
    write_index(tree, "", "", "alias fs-configfs configfs\nalias net-pf-16 netlink_diag\n");
    const Root root(tree.dir());
    CHECK(read_module_state(root, "configfs", k_release).loadable);
    CHECK_FALSE(read_module_state(root, "fs-configfs", k_release).loadable);
}

TEST_CASE("'-' and '_' are the same character in module names", "[module_state]") {
    TempTree tree;
    write_index(tree, "kernel/drivers/net/foo-bar.ko\n", "");
    const auto state = read_module_state(Root(tree.dir()), "foo_bar", k_release);
    CHECK(state.builtin);
    CHECK(state.name == "foo_bar");
    CHECK(read_module_state(Root(tree.dir()), "foo-bar", k_release).builtin);
}

TEST_CASE("a module with /sys/module/<name>/initstate is loaded", "[module_state]") {
    TempTree tree;
    write_index(tree, "", "kernel/drivers/net/netconsole.ko:\n");
    tree.write("/sys/module/netconsole/initstate", "live\n");
    tree.write("/sys/module/netconsole/refcnt", "0\n");
    const auto state = read_module_state(Root(tree.dir()), "netconsole", k_release);
    CHECK(state.loaded);
    CHECK(state.loadable);
    CHECK_FALSE(state.builtin);
    CHECK(state.kind() == ModuleKind::loaded);
}

TEST_CASE("a /sys/module directory without initstate means built in", "[module_state]") {
    // A built-in module with parameters (netconsole has oops_only) gets
    // /sys/module/<name>/parameters but never initstate or refcnt.
    TempTree tree;
    tree.write("/sys/module/netconsole/parameters/oops_only", "N\n");
    const auto state = read_module_state(Root(tree.dir()), "netconsole", k_release);
    CHECK_FALSE(state.index_found);
    CHECK(state.builtin);
    CHECK_FALSE(state.loaded);
}

TEST_CASE("/proc/modules alone says loaded", "[module_state]") {
    TempTree tree;
    tree.write("/proc/modules",
               "e1000 163840 0 - Live 0x0000000000000000\n"
               "netconsole 20480 0 - Live 0x0000000000000000\n");
    const Root root(tree.dir());
    CHECK(read_module_state(root, "netconsole", k_release).kind() == ModuleKind::loaded);
    CHECK(read_module_state(root, "e1000", k_release).loaded);
    CHECK_FALSE(read_module_state(root, "netconsol", k_release).loaded);
}

TEST_CASE("nothing known means absent", "[module_state]") {
    TempTree tree;
    const auto state = read_module_state(Root(tree.dir()), "netconsole", k_release);
    CHECK(state.kind() == ModuleKind::absent);
    CHECK_FALSE(state.index_found);
    CHECK(ncs::to_string(state.kind()) == "absent");
}

TEST_CASE("the index under /usr/lib/modules is found too", "[module_state]") {
    TempTree tree;
    tree.write(std::string("/usr/lib/modules/") + k_release + "/modules.builtin",
               "kernel/drivers/net/netconsole.ko\n");
    CHECK(read_module_state(Root(tree.dir()), "netconsole", k_release).builtin);
}

TEST_CASE("the release defaults to the running kernel's", "[module_state]") {
    TempTree tree;
    const auto state = read_module_state(Root(tree.dir()), "netconsole");
    CHECK(state.release == ncs::running_kernel_release());
    CHECK_FALSE(state.release.empty());
}

TEST_CASE("names and releases that are paths are rejected", "[module_state]") {
    TempTree tree;
    const Root root(tree.dir());
    CHECK_THROWS_AS(read_module_state(root, "", k_release), ncs::InputError);
    CHECK_THROWS_AS(read_module_state(root, "../x", k_release), ncs::InputError);
    CHECK_THROWS_AS(read_module_state(root, "netconsole", "../../etc"), ncs::InputError);
}

TEST_CASE("a 7.x module index without modules.builtin: state from modules.dep and /sys/module",
          "[module_state]") {
    // Debian's linux-modules-7.x-amd64 lays out /usr/lib/modules/<release> with the
    // .ko.xz files and, after depmod, modules.dep; modules.builtin is not there.
    TempTree tree;
    const std::string dir = std::string("/usr/lib/modules/") + k_release;
    tree.write(dir + "/modules.dep",
               "kernel/drivers/net/netconsole.ko.xz: kernel/fs/configfs/configfs.ko.xz\n"
               "kernel/fs/configfs/configfs.ko.xz:\n");
    const Root root(tree.dir());
    auto state = read_module_state(root, "netconsole", k_release);
    CHECK(state.index_found);
    CHECK_FALSE(state.builtin_index_found);
    CHECK(state.kind() == ModuleKind::loadable);

    tree.write("/sys/module/netconsole/initstate", "live\n");
    tree.write("/sys/module/netconsole/refcnt", "1\n");
    state = read_module_state(root, "netconsole", k_release);
    CHECK(state.kind() == ModuleKind::loaded);

    // Not in modules.dep, no modules.builtin: only /sys/module can tell built in.
    CHECK(read_module_state(root, "e1000", k_release).kind() == ModuleKind::absent);
    tree.write("/sys/module/e1000/parameters/debug", "-1\n");
    CHECK(read_module_state(root, "e1000", k_release).kind() == ModuleKind::builtin);
}

TEST_CASE("modules.builtin.modinfo stands in for a missing modules.builtin", "[module_state]") {
    TempTree tree;
    const std::string dir = std::string("/lib/modules/") + k_release;
    tree.write(dir + "/modules.dep", "");
    tree.write(dir + "/modules.builtin.modinfo",
               std::string("netconsole.license=GPL\0netconsole.parm=netconsole:x\0"
                           "unix.file=net/unix/unix\0",
                           76));
    const Root root(tree.dir());
    const auto state = read_module_state(root, "netconsole", k_release);
    CHECK(state.builtin_index_found);
    CHECK(state.kind() == ModuleKind::builtin);
    CHECK(read_module_state(root, "unix", k_release).builtin);
    CHECK_FALSE(read_module_state(root, "netconsol", k_release).builtin);
}

TEST_CASE("module_releases lists the module directories under /lib/modules", "[module_state]") {
    TempTree tree;
    CHECK(ncs::module_releases(Root(tree.dir())).empty());
    tree.mkdir("/lib/modules/6.12.9-amd64");
    tree.mkdir("/lib/modules/6.1.0-test-amd64");
    tree.write("/lib/modules/README", "not a release\n");
    CHECK(ncs::module_releases(Root(tree.dir())) ==
          std::vector<std::string>{"6.1.0-test-amd64", "6.12.9-amd64"});
}

TEST_CASE("kernel_release_of reads osrelease under a root, never a FIFO", "[module_state]") {
    TempTree tree;
    CHECK_FALSE(ncs::kernel_release_of(Root(tree.dir())).has_value()); // no uname under --root
    tree.write("/proc/sys/kernel/osrelease", "7.0.3+deb14-amd64\n");
    CHECK(ncs::kernel_release_of(Root(tree.dir())) == std::optional<std::string>("7.0.3+deb14-amd64"));
    std::filesystem::remove(tree.path("/proc/sys/kernel/osrelease"));
    REQUIRE(::mkfifo(tree.path("/proc/sys/kernel/osrelease").c_str(), 0600) == 0);
    CHECK_FALSE(ncs::kernel_release_of(Root(tree.dir())).has_value());
}

TEST_CASE("kernel_release_of on the running system is uname's release", "[module_state]") {
    CHECK(ncs::kernel_release_of(Root("/")) == std::optional<std::string>(ncs::running_kernel_release()));
}
