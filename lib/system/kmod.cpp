#include "system/kmod.hpp"

#include "model/errors.hpp"
#include "system/atomic_file.hpp"
#include "system/configfs.hpp"
#include "system/shared_library.hpp"

#include <fmt/format.h>
#include <libkmod.h> // declarations only: libkmod is opened at run time

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>

#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ncs {
namespace {

/// The libkmod functions load_module() calls, resolved from libkmod.so.2 when a
/// module must really be loaded (as systemd's dlopen_libkmod() does): every other
/// run never maps libkmod, nor the libcrypto, liblzma and libzstd it pulls in.
/// <libkmod.h> supplies the declarations only; the binary does not link libkmod.
struct Kmod {
    SharedLibrary library = SharedLibrary::open("libkmod.so.2", "libkmod2");
    decltype(kmod_new)* new_context = library.function<decltype(kmod_new)>("kmod_new");
    decltype(kmod_unref)* unref = library.function<decltype(kmod_unref)>("kmod_unref");
    decltype(kmod_load_resources)* load_resources =
        library.function<decltype(kmod_load_resources)>("kmod_load_resources");
    decltype(kmod_module_new_from_lookup)* lookup =
        library.function<decltype(kmod_module_new_from_lookup)>("kmod_module_new_from_lookup");
    decltype(kmod_module_unref_list)* unref_list =
        library.function<decltype(kmod_module_unref_list)>("kmod_module_unref_list");
    decltype(kmod_list_next)* list_next = library.function<decltype(kmod_list_next)>("kmod_list_next");
    decltype(kmod_module_get_module)* get_module =
        library.function<decltype(kmod_module_get_module)>("kmod_module_get_module");
    decltype(kmod_module_unref)* module_unref =
        library.function<decltype(kmod_module_unref)>("kmod_module_unref");
    decltype(kmod_module_get_initstate)* get_initstate =
        library.function<decltype(kmod_module_get_initstate)>("kmod_module_get_initstate");
    decltype(kmod_module_probe_insert_module)* probe_insert =
        library.function<decltype(kmod_module_probe_insert_module)>(
            "kmod_module_probe_insert_module");
    decltype(kmod_module_get_name)* get_name =
        library.function<decltype(kmod_module_get_name)>("kmod_module_get_name");
};

/// Whether /sys/module/<name>/initstate reads "live": the test libkmod's
/// kmod_module_get_initstate() makes first, so a loaded module needs no libkmod.
bool module_live(std::string_view name) {
    if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..") {
        return false; // not a module name: libkmod's lookup reports it
    }
    std::string module(name);
    std::replace(module.begin(), module.end(), '-', '_');
    std::ifstream in("/sys/module/" + module + "/initstate");
    std::string state;
    return in && std::getline(in, state) && state == "live";
}

/// The mount table decodes spaces and the like as octal escapes ("\040").
std::string unescape_mount_field(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const auto digits = field.substr(i + 1, 3);
            if (digits.find_first_not_of("01234567") == std::string_view::npos) {
                out += static_cast<char>(std::stoi(std::string(digits), nullptr, 8));
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

} // namespace

bool has_sys_admin_capability() {
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    header.pid = 0;
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capget, &header, data) != 0) {
        return false;
    }
    return (data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32))) != 0;
}

ModuleLoad load_module(const LiveKernel& /*kernel*/, std::string_view name) {
    if (module_live(name)) {
        return ModuleLoad::already_loaded;
    }
    const Kmod kmod;
    const std::string module(name);
    // NULL, NULL: /lib/modules/$(uname -r) and the standard modprobe.d directories.
    const std::unique_ptr<kmod_ctx, decltype(kmod.unref)> ctx(kmod.new_context(nullptr, nullptr),
                                                              kmod.unref);
    if (!ctx) {
        throw std::system_error(ENOMEM, std::generic_category(), "cannot set up libkmod");
    }
    kmod.load_resources(ctx.get());

    kmod_list* raw = nullptr;
    const int found = kmod.lookup(ctx.get(), module.c_str(), &raw);
    const std::unique_ptr<kmod_list, decltype(kmod.unref_list)> list(raw, kmod.unref_list);
    if (found < 0) {
        throw std::system_error(-found, std::generic_category(),
                                fmt::format("cannot look up module {}", module));
    }
    if (!list) {
        throw OperationError(
            fmt::format("the {} module does not exist for this kernel", module),
            "install the kernel's modules package, or build the kernel with it");
    }

    auto result = ModuleLoad::already_loaded;
    for (const kmod_list* item = list.get(); item != nullptr;
         item = kmod.list_next(list.get(), item)) {
        const std::unique_ptr<kmod_module, decltype(kmod.module_unref)> mod(
            kmod.get_module(item), kmod.module_unref);
        const int state = kmod.get_initstate(mod.get());
        if (state == KMOD_MODULE_BUILTIN) {
            return ModuleLoad::builtin;
        }
        if (state == KMOD_MODULE_LIVE) {
            continue;
        }
        const int rc = kmod.probe_insert(mod.get(), KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr,
                                         nullptr, nullptr);
        const std::string real_name = kmod.get_name(mod.get());
        if (rc == KMOD_PROBE_APPLY_BLACKLIST) {
            throw OperationError(fmt::format("the {} module is blacklisted", real_name),
                                 "see 'blacklist' lines in /etc/modprobe.d");
        }
        if (rc < 0) {
            throw std::system_error(-rc, std::generic_category(),
                                    fmt::format("cannot load module {}", real_name));
        }
        result = ModuleLoad::loaded;
    }
    return result;
}

bool configfs_mounted(const Root& root) {
    const auto table = root.path("/proc/self/mounts");
    // Inside the root, a regular file only (a FIFO there would block); a container
    // host's table can be long.
    const auto file = read_small_file(root, "/proc/self/mounts", FollowLast::yes, 16 << 20);
    if (file.outcome != ReadOutcome::ok) {
        throw std::system_error(file.outcome == ReadOutcome::absent ? ENOENT : EINVAL,
                                std::generic_category(), "cannot read " + table.string());
    }
    std::istringstream in(file.content);
    const auto under_root = configfs_dir(root).lexically_normal().string();
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string device, mount_point, type;
        fields >> device >> mount_point >> type;
        if (type != "configfs") {
            continue;
        }
        const auto point = unescape_mount_field(mount_point);
        if (point == "/sys/kernel/config" || point == under_root) {
            return true;
        }
    }
    return false;
}

void mount_configfs(const LiveKernel& /*kernel*/, const Root& root) {
    const auto target = configfs_dir(root);
    if (::mount("configfs", target.c_str(), "configfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                nullptr) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot mount configfs on " + target.string());
    }
}

ModuleState SystemKernelModules::state(std::string_view name) const {
    return read_module_state(m_root, name);
}

ModuleLoad SystemKernelModules::load(std::string_view name) {
    return load_module(m_kernel, name);
}

bool SystemKernelModules::configfs_mounted() const {
    return ncs::configfs_mounted(m_root);
}

void SystemKernelModules::mount_configfs() {
    ncs::mount_configfs(m_kernel, m_root);
}

} // namespace ncs
