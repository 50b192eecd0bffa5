// lib/apply/prepare.cpp: which modules are loaded, when configfs is mounted and which
// kernels are refused, through the configfs seam (FakeConfigfs) and a recording
// KernelModules. Real loading and mounting are proved in the vm tier.
#include "apply/prepare.hpp"

#include "fake_configfs.hpp"
#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <set>

using ncs::ModuleLoad;
using ncs::ModuleState;
using ncs::OperationError;
using ncs::test::FakeConfigfs;

namespace {

/// The running kernel as far as preparing it goes: which modules are built in or
/// loadable, whether netconsole has dynamic targets. Loading and mounting are
/// recorded and make the directories appear in the FakeConfigfs as the kernel does:
/// <configfs> when configfs registers, <configfs>/netconsole when it is mounted and a
/// netconsole with CONFIG_NETCONSOLE_DYNAMIC is there.
class RecordingModules final : public ncs::KernelModules {
public:
    explicit RecordingModules(FakeConfigfs& files) : m_files(files) {}

    std::set<std::string> builtin;
    std::set<std::string> loadable{"configfs", "netconsole"};
    std::set<std::string> loaded;
    bool index_found = true;
    bool dynamic = true;
    bool mounted = false;
    int mount_errno = 0; ///< mount(2) fails with it
    std::vector<std::string> log;

    /// Sets the fake's directories from the state above.
    void sync() {
        const bool configfs = has("configfs");
        m_files.set_directory(k_configfs, configfs);
        m_files.set_directory(FakeConfigfs::k_dir,
                              configfs && mounted && dynamic && has("netconsole"));
    }

    ModuleState state(std::string_view name) const override {
        ModuleState s;
        s.name = std::string(name);
        s.release = "6.12.9-amd64";
        s.index_found = index_found;
        s.builtin = builtin.count(s.name) != 0;
        s.loadable = loadable.count(s.name) != 0;
        s.loaded = loaded.count(s.name) != 0;
        return s;
    }
    ModuleLoad load(std::string_view name) override {
        const std::string module(name);
        log.push_back("load " + module);
        if (builtin.count(module) != 0) {
            return ModuleLoad::builtin;
        }
        if (loaded.count(module) != 0) {
            return ModuleLoad::already_loaded;
        }
        if (loadable.count(module) == 0) {
            throw OperationError("the " + module + " module does not exist for this kernel");
        }
        loaded.insert(module);
        sync();
        return ModuleLoad::loaded;
    }
    bool configfs_mounted() const override { return mounted; }
    void mount_configfs() override {
        log.push_back("mount configfs");
        if (mount_errno != 0) {
            throw std::system_error(mount_errno, std::generic_category(), "cannot mount configfs");
        }
        if (!has("configfs")) {
            throw std::system_error(ENODEV, std::generic_category(), "cannot mount configfs");
        }
        mounted = true;
        sync();
    }

    static inline const std::filesystem::path k_configfs = FakeConfigfs::k_dir.parent_path();

private:
    bool has(const std::string& module) const {
        return builtin.count(module) != 0 || loaded.count(module) != 0;
    }
    FakeConfigfs& m_files;
};

std::vector<std::string> prepare(FakeConfigfs& files, RecordingModules& modules) {
    modules.sync();
    return ncs::apply::prepare_kernel(files, modules, FakeConfigfs::k_dir);
}

std::string error_of(FakeConfigfs& files, RecordingModules& modules) {
    try {
        prepare(files, modules);
    } catch (const OperationError& e) {
        return std::string(e.what()) + " | " + e.hint();
    }
    return "no error";
}

} // namespace

TEST_CASE("prepare_kernel on a ready kernel changes nothing and reports no step") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.loaded = {"configfs", "netconsole"};
    modules.mounted = true;
    CHECK(prepare(files, modules).empty());
    // netconsole is asked for (libkmod answers "already loaded" from /sys/module), configfs
    // is not: its directory shows it is there.
    CHECK(modules.log == std::vector<std::string>{"load netconsole"});
    CHECK(files.log.empty());
}

TEST_CASE("prepare_kernel loads configfs, mounts it and loads netconsole, in that order") {
    FakeConfigfs files;
    RecordingModules modules(files);
    const auto steps = prepare(files, modules);
    CHECK(modules.log ==
          std::vector<std::string>{"load configfs", "mount configfs", "load netconsole"});
    CHECK(steps == std::vector<std::string>{"loaded module configfs", "mounted configfs on /cfg",
                                            "loaded module netconsole"});
    CHECK(files.is_directory(FakeConfigfs::k_dir));
}

TEST_CASE("prepare_kernel with configfs built in only mounts it") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.builtin = {"configfs"};
    modules.loaded = {"netconsole"};
    CHECK(prepare(files, modules) == std::vector<std::string>{"mounted configfs on /cfg"});
    CHECK(modules.log == std::vector<std::string>{"mount configfs", "load netconsole"});
}

TEST_CASE("prepare_kernel with netconsole built in reports no load of it") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.builtin = {"configfs", "netconsole"};
    modules.mounted = true;
    CHECK(prepare(files, modules).empty());
    CHECK(modules.log == std::vector<std::string>{"load netconsole"});
}

TEST_CASE("prepare_kernel refuses a kernel without netconsole before loading anything") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.loadable = {"configfs"};
    CHECK(error_of(files, modules) ==
          "netconsole is neither built into kernel 6.12.9-amd64 nor a module of it | install "
          "the kernel's modules package, or use a kernel built with CONFIG_NETCONSOLE");
    CHECK(modules.log.empty());
}

TEST_CASE("prepare_kernel without a module index leaves the answer to libkmod") {
    // No <root>/lib/modules/<release> (a container, a custom kernel): the index says
    // nothing, so loading is tried and its own error is the answer.
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.index_found = false;
    modules.loadable = {"configfs"};
    CHECK(error_of(files, modules) == "the netconsole module does not exist for this kernel | ");
    CHECK(modules.log ==
          std::vector<std::string>{"load configfs", "mount configfs", "load netconsole"});
}

TEST_CASE("prepare_kernel names a built-in netconsole without dynamic targets") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.builtin = {"configfs", "netconsole"};
    modules.dynamic = false;
    CHECK(error_of(files, modules) ==
          "netconsole is built into this kernel without dynamic targets "
          "(CONFIG_NETCONSOLE_DYNAMIC) | give the targets on the kernel command line instead "
          "(netconsole=)");
    // configfs was mounted first: that is what shows the directory is missing.
    CHECK(modules.log == std::vector<std::string>{"mount configfs", "load netconsole"});
}

TEST_CASE("prepare_kernel names the missing directory of a module without dynamic targets") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.dynamic = false;
    CHECK(error_of(files, modules) ==
          "netconsole is loaded but /cfg/netconsole does not exist: it was built without "
          "dynamic targets (CONFIG_NETCONSOLE_DYNAMIC) | give the targets on the kernel command "
          "line instead (netconsole=)");
}

TEST_CASE("prepare_kernel stops at a configfs that cannot be loaded") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.loadable = {"netconsole"}; // no configfs at all
    CHECK(error_of(files, modules) == "the configfs module does not exist for this kernel | ");
    CHECK(modules.log == std::vector<std::string>{"load configfs"});
}

TEST_CASE("prepare_kernel passes on a refused mount and loads nothing after it") {
    FakeConfigfs files;
    RecordingModules modules(files);
    modules.loaded = {"configfs"};
    modules.mount_errno = EPERM; // a read-only /sys in a container
    try {
        prepare(files, modules);
        FAIL("no error");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EPERM);
    }
    CHECK(modules.log == std::vector<std::string>{"mount configfs"});
}
