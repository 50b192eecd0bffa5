#include "system/kmod.hpp"

#include "model/errors.hpp"
#include "system/atomic_file.hpp"
#include "system/configfs.hpp"

#include <fmt/format.h>
#include <libkmod.h>

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

struct ContextDeleter {
    void operator()(kmod_ctx* ctx) const noexcept { kmod_unref(ctx); }
};
struct ListDeleter {
    void operator()(kmod_list* list) const noexcept { kmod_module_unref_list(list); }
};

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
    const std::string module(name);
    // NULL, NULL: /lib/modules/$(uname -r) and the standard modprobe.d directories.
    std::unique_ptr<kmod_ctx, ContextDeleter> ctx(kmod_new(nullptr, nullptr));
    if (!ctx) {
        throw std::system_error(ENOMEM, std::generic_category(), "cannot set up libkmod");
    }
    kmod_load_resources(ctx.get());

    kmod_list* raw = nullptr;
    const int found = kmod_module_new_from_lookup(ctx.get(), module.c_str(), &raw);
    std::unique_ptr<kmod_list, ListDeleter> list(raw);
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
    kmod_list* item = nullptr;
    kmod_list_foreach(item, list.get()) {
        kmod_module* mod = kmod_module_get_module(item);
        const int state = kmod_module_get_initstate(mod);
        if (state == KMOD_MODULE_BUILTIN) {
            kmod_module_unref(mod);
            return ModuleLoad::builtin;
        }
        if (state == KMOD_MODULE_LIVE) {
            kmod_module_unref(mod);
            continue;
        }
        const int rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, nullptr,
                                                       nullptr, nullptr, nullptr);
        const std::string real_name = kmod_module_get_name(mod);
        kmod_module_unref(mod);
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

} // namespace ncs
