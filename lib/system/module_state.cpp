#include "system/module_state.hpp"

#include "model/errors.hpp"
#include "system/atomic_file.hpp"

#include <sys/utsname.h>

#include <cerrno>
#include <sstream>
#include <system_error>

namespace ncs {
namespace {


// The kernel treats '-' and '_' in module names as the same character.
std::string normalise(std::string_view name) {
    std::string out(name);
    for (char& c : out) {
        if (c == '-') {
            c = '_';
        }
    }
    return out;
}

// "kernel/drivers/net/netconsole.ko.xz" -> "netconsole"
std::string module_name_of_path(std::string_view path) {
    if (const auto slash = path.rfind('/'); slash != std::string_view::npos) {
        path.remove_prefix(slash + 1);
    }
    if (const auto dot = path.find(".ko"); dot != std::string_view::npos) {
        path = path.substr(0, dot);
    }
    return normalise(path);
}

// modules.alias of a distribution kernel is about 1.5 MB; more is not an index.
constexpr std::size_t k_max_index_size = 64 * 1024 * 1024;

/// A module index or /proc file read inside the root: only a regular file, never a
/// FIFO or device; what cannot be read counts as empty, as a missing file does.
std::istringstream index_text(const Root& root, const std::string& path) {
    try {
        auto file = read_small_file(root, path, FollowLast::yes, k_max_index_size);
        return std::istringstream(file.outcome == ReadOutcome::ok ? file.content : std::string());
    } catch (const std::system_error&) {
        return std::istringstream();
    }
}

// modules.builtin: one path per line. modules.dep: "path: deps...".
bool index_lists(const Root& root, const std::string& file, const std::string& name) {
    auto in = index_text(root, file);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (module_name_of_path(std::string_view(line).substr(0, colon)) == name) {
            return true;
        }
    }
    return false;
}

// modules.builtin.modinfo: NUL-terminated "<module>.<key>=<value>" records.
bool modinfo_names(const Root& root, const std::string& file, const std::string& name) {
    auto in = index_text(root, file);
    std::string record;
    while (std::getline(in, record, '\0')) {
        const auto dot = record.find('.');
        if (dot != std::string::npos && normalise(std::string_view(record).substr(0, dot)) == name) {
            return true;
        }
    }
    return false;
}

// modules.alias: "alias <pattern> <module>".
bool alias_names(const Root& root, const std::string& file, const std::string& name) {
    auto in = index_text(root, file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("alias ", 0) != 0) {
            continue;
        }
        const auto space = line.find_last_of(" \t");
        if (normalise(std::string_view(line).substr(space + 1)) == name) {
            return true;
        }
    }
    return false;
}

// /proc/modules: "<name> <size> <refs> ..." per line.
bool proc_modules_lists(const Root& root, const std::string& file, const std::string& name) {
    auto in = index_text(root, file);
    std::string first;
    std::string rest;
    while (in >> first) {
        if (normalise(first) == name) {
            return true;
        }
        std::getline(in, rest);
    }
    return false;
}

} // namespace

std::string_view to_string(ModuleKind kind) noexcept {
    switch (kind) {
    case ModuleKind::builtin:
        return "builtin";
    case ModuleKind::loaded:
        return "loaded";
    case ModuleKind::loadable:
        return "loadable";
    case ModuleKind::absent:
        break;
    }
    return "absent";
}

ModuleKind ModuleState::kind() const noexcept {
    if (builtin) {
        return ModuleKind::builtin;
    }
    if (loaded) {
        return ModuleKind::loaded;
    }
    if (loadable) {
        return ModuleKind::loadable;
    }
    return ModuleKind::absent;
}

std::string running_kernel_release() {
    struct utsname uts {};
    if (::uname(&uts) != 0) {
        throw std::system_error(errno, std::generic_category(), "uname");
    }
    return uts.release;
}

ModuleState read_module_state(const Root& root, std::string_view name,
                              std::optional<std::string> release) {
    if (name.empty() || name.find_first_of("/ \t\n") != std::string_view::npos ||
        name == "." || name == "..") {
        throw InputError("'" + std::string(name) + "' is not a kernel module name");
    }
    ModuleState state;
    state.name = normalise(name);
    state.release = release ? std::move(*release) : running_kernel_release();
    if (state.release.empty() || state.release.find('/') != std::string::npos ||
        state.release == "." || state.release == "..") {
        throw InputError("'" + state.release + "' is not a kernel release");
    }

    // Debian 12 merged /usr: /lib is a link to /usr/lib, but a test tree may hold either.
    std::string index = "/lib/modules/" + state.release;
    if (!root.is_directory(index)) {
        index = "/usr/lib/modules/" + state.release;
    }
    state.index_found = root.is_directory(index);
    if (state.index_found) {
        const std::string builtin = index + "/modules.builtin";
        const std::string modinfo = index + "/modules.builtin.modinfo";
        state.builtin_index_found = root.exists(builtin) || root.exists(modinfo);
        state.builtin = root.exists(builtin) ? index_lists(root, builtin, state.name)
                                             : modinfo_names(root, modinfo, state.name);
        state.loadable = index_lists(root, index + "/modules.dep", state.name) ||
                         alias_names(root, index + "/modules.alias", state.name);
    }

    // A loaded module has initstate (and refcnt if it can be unloaded); a built-in
    // module has a /sys/module directory only when it has parameters, and never
    // an initstate.
    const std::string sys = "/sys/module/" + state.name;
    const bool sys_dir = root.is_directory(sys);
    state.loaded =
        (sys_dir && (root.exists(sys + "/initstate") || root.exists(sys + "/refcnt"))) ||
        proc_modules_lists(root, "/proc/modules", state.name);
    if (sys_dir && !state.loaded) {
        state.builtin = true;
    }
    return state;
}

std::vector<std::string> module_releases(const Root& root) {
    std::vector<std::string> releases;
    std::optional<std::vector<std::string>> names;
    try {
        names = list_directory(root, "/lib/modules");
    } catch (const std::system_error&) {
        return releases; // as for a missing directory
    }
    for (auto& name : names.value_or(std::vector<std::string>{})) {
        if (root.is_directory("/lib/modules/" + name)) {
            releases.push_back(std::move(name));
        }
    }
    return releases; // list_directory sorts
}

std::optional<std::string> kernel_release_of(const Root& root) {
    std::string release;
    try {
        const auto file = read_small_file(root, "/proc/sys/kernel/osrelease");
        if (file.outcome == ReadOutcome::ok) {
            release = file.content.substr(0, file.content.find('\n'));
        }
    } catch (const std::system_error&) {
    }
    if (release.empty() && root.is_system_root()) {
        try {
            release = running_kernel_release();
        } catch (const std::system_error&) {
        }
    }
    if (release.empty()) {
        return std::nullopt;
    }
    return release;
}

} // namespace ncs
