#include "system/configfs.hpp"

#include "grammar/kernel_text.hpp"
#include "model/errors.hpp"
#include "system/atomic_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <charconv>
#include <memory>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ncs {
namespace {

namespace fs = std::filesystem;

struct FdCloser {
    void operator()(const int* fd) const noexcept {
        ::close(*fd);
        delete fd;
    }
};
using UniqueFd = std::unique_ptr<int, FdCloser>;

UniqueFd open_file(const fs::path& file, int flags, std::string_view what) {
    int fd = -1;
    do {
        fd = ::open(file.c_str(), flags | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot {} {}", what, file.string()));
    }
    return UniqueFd(new int(fd));
}

[[noreturn]] void unexpected(const fs::path& file, std::string_view text) {
    throw OperationError(fmt::format("unexpected value '{}' in {}", text, file.string()),
                         "is this netconsole's configfs directory?");
}

} // namespace

// --- SystemConfigfsFiles --------------------------------------------------------

void SystemConfigfsFiles::require_writable() const {
    if (!m_writable) {
        throw std::logic_error("configfs write without a LiveKernel");
    }
}

std::string SystemConfigfsFiles::inside(const fs::path& file) const {
    auto path = m_root.system_path(file);
    if (!path) {
        throw std::system_error(EXDEV, std::generic_category(),
                                fmt::format("{} is not under {}", file.string(),
                                            m_root.dir().string()));
    }
    return std::move(*path);
}

bool SystemConfigfsFiles::exists(const fs::path& path) const {
    const auto system = m_root.system_path(path);
    return system && m_root.exists(*system);
}

bool SystemConfigfsFiles::is_directory(const fs::path& path) const {
    const auto system = m_root.system_path(path);
    return system && m_root.is_directory(*system);
}

std::vector<std::string> SystemConfigfsFiles::subdirectories(const fs::path& dir) const {
    std::vector<std::string> names;
    const auto system = m_root.system_path(dir);
    if (!system) {
        return names;
    }
    std::optional<std::vector<std::string>> entries;
    try {
        entries = list_directory(m_root, *system);
    } catch (const std::system_error&) {
        return names; // as for a missing directory
    }
    for (auto& name : entries.value_or(std::vector<std::string>{})) {
        if (m_root.is_directory(*system + "/" + name)) {
            names.push_back(std::move(name));
        }
    }
    return names; // list_directory sorts
}

std::string SystemConfigfsFiles::read(const fs::path& file) const {
    // An attribute is at most a page; a FIFO or device in a --root tree is never opened.
    auto read = read_small_file(m_root, inside(file), FollowLast::yes, 64 * 1024);
    switch (read.outcome) {
    case ReadOutcome::ok:
        return std::move(read.content);
    case ReadOutcome::absent:
        throw std::system_error(ENOENT, std::generic_category(),
                                fmt::format("cannot read {}", file.string()));
    case ReadOutcome::not_regular:
    case ReadOutcome::too_large:
        break;
    }
    throw std::system_error(EINVAL, std::generic_category(),
                            fmt::format("cannot read {}: {}", file.string(),
                                        unread_reason(read.outcome, "it")));
}

void SystemConfigfsFiles::write(const fs::path& file, std::string_view text) {
    require_writable();
    // configfs hands the store function what one write(2) brought; no O_CREAT,
    // no O_TRUNC: the attribute exists or this is not the tree we think it is.
    const auto fd = open_file(file, O_WRONLY, "open");
    ssize_t n = -1;
    do {
        n = ::write(*fd, text.data(), text.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot write '{}' to {}", without_newline(text),
                                            file.string()));
    }
    // Up to the May-2026 fix the kernel returned strnlen(), a short count only for
    // an embedded NUL, which we never write; anything shorter is a failure.
    if (static_cast<std::size_t>(n) != text.size()) {
        throw std::system_error(EIO, std::generic_category(),
                                fmt::format("short write of '{}' to {}", without_newline(text),
                                            file.string()));
    }
}

void SystemConfigfsFiles::make_directory(const fs::path& dir) {
    require_writable();
    if (::mkdir(dir.c_str(), 0755) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot create {}", dir.string()));
    }
}

void SystemConfigfsFiles::remove_directory(const fs::path& dir) {
    require_writable();
    if (::rmdir(dir.c_str()) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                fmt::format("cannot remove {}", dir.string()));
    }
}

std::optional<WriterLock> SystemConfigfsFiles::hold_writers() {
    if (!m_writable) {
        return std::nullopt;
    }
    return std::optional<WriterLock>(std::in_place, m_root);
}

// --- Reading --------------------------------------------------------------------

fs::path configfs_dir(const Root& root) { return root.path("/sys/kernel/config"); }

fs::path netconsole_dir(const Root& root) { return configfs_dir(root) / "netconsole"; }

std::string_view without_newline(std::string_view text) noexcept {
    if (!text.empty() && text.back() == '\n') {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<bool> parse_flag(std::string_view text) noexcept {
    if (text == "0") {
        return false;
    }
    if (text == "1") {
        return true;
    }
    return std::nullopt;
}

const std::string* ConfigfsTarget::text(std::string_view attribute_name) const {
    for (const auto& attribute : attributes) {
        if (attribute.name == attribute_name) {
            return &attribute.text;
        }
    }
    return nullptr;
}

std::vector<std::string> list_targets(const ConfigfsFiles& files, const fs::path& dir) {
    return files.subdirectories(dir);
}

ConfigfsTarget read_target(const ConfigfsFiles& files, const fs::path& dir,
                           std::string_view name) {
    const auto target_dir = dir / std::string(name);
    ConfigfsTarget target;
    target.name = std::string(name);

    auto read = [&](const std::string& attribute) {
        const auto file = target_dir / attribute;
        auto text = std::string(without_newline(files.read(file)));
        target.attributes.push_back({attribute, text});
        return std::pair{file, text};
    };
    auto flag = [&](const std::string& attribute) {
        const auto [file, text] = read(attribute);
        const auto value = parse_flag(text);
        if (!value) {
            unexpected(file, text);
        }
        return *value;
    };
    auto port = [&](const std::string& attribute) {
        const auto [file, text] = read(attribute);
        const auto value = kernel::parse_u16(text);
        if (!value) {
            unexpected(file, text);
        }
        return *value;
    };
    auto ip = [&](const std::string& attribute) {
        const auto [file, text] = read(attribute);
        // %pI4 or %pI6c: compressed IPv6, possibly with a dotted IPv4 tail.
        auto value = IpAddress::try_parse(text);
        if (!value) {
            value = kernel::parse_ip(text);
        }
        if (!value) {
            unexpected(file, text);
        }
        return *value;
    };
    auto mac = [&](const std::string& attribute) {
        const auto [file, text] = read(attribute);
        const auto value = MacAddress::try_parse(text);
        if (!value) {
            unexpected(file, text);
        }
        return *value;
    };

    target.enabled = flag("enabled");
    target.extended = flag("extended");
    if (files.exists(target_dir / "release")) {
        target.features.release = true;
        target.release = flag("release");
    }
    target.dev_name = read("dev_name").second;
    target.local_port = port("local_port");
    target.local_ip = ip("local_ip");
    target.remote_port = port("remote_port");
    target.remote_ip = ip("remote_ip");
    target.local_mac = mac("local_mac");
    target.remote_mac = mac("remote_mac");
    if (files.exists(target_dir / "transmit_errors")) {
        target.features.transmit_errors = true;
        const auto [file, text] = read("transmit_errors");
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end != text.data() + text.size()) {
            unexpected(file, text);
        }
        target.transmit_errors = value;
    }

    const auto userdata_dir = target_dir / "userdata";
    if (files.is_directory(userdata_dir)) {
        target.features.userdata = true;
        for (const auto& key : files.subdirectories(userdata_dir)) {
            const auto value = read("userdata/" + key + "/value").second;
            target.userdata.push_back({key, value});
        }
        for (const auto& s : k_sysdata_switches) {
            const auto relative = "userdata/" + std::string(s.file);
            if (files.exists(target_dir / relative)) {
                target.features.*s.feature = true;
                target.sysdata.*s.value = flag(relative);
            }
        }
    }
    return target;
}

// --- Kernel behaviour and target conditions ------------------------------------

UnregisterBehaviour unregister_behaviour(KernelVersion version) noexcept {
    // "netconsole: resume previously deactivated target" added the DEACTIVATED state
    // and the one retry from a workqueue.
    return version >= added_in::resume_on_register ? UnregisterBehaviour::resume
                                                    : UnregisterBehaviour::disable;
}

std::string_view to_string(TargetCondition condition) noexcept {
    switch (condition) {
    case TargetCondition::sending: return "sending";
    case TargetCondition::disabled: return "disabled";
    case TargetCondition::device_gone: return "device_gone";
    case TargetCondition::enslaved: return "enslaved";
    case TargetCondition::stopped_by_kernel: return "stopped_by_kernel";
    case TargetCondition::device_down: return "device_down";
    case TargetCondition::no_carrier: return "no_carrier";
    case TargetCondition::unknown: break;
    }
    return "unknown";
}

std::optional<TargetDevice> read_target_device(const Root& root, std::string_view dev_name) {
    const std::string net = "/sys/class/net";
    if (!root.is_directory(net)) {
        return std::nullopt;
    }
    TargetDevice device;
    if (dev_name.empty() || dev_name.find('/') != std::string_view::npos || dev_name == "." ||
        dev_name == "..") {
        return device;
    }
    const std::string dir = net + "/" + std::string(dev_name);
    device.exists = root.is_directory(dir);
    if (!device.exists) {
        return device;
    }
    // Read inside the root like every other file (a link never leads out of it).
    const auto first_line = [&](const char* file) {
        std::string line;
        try {
            const auto read = read_small_file(root, dir + "/" + file);
            if (read.outcome == ReadOutcome::ok) {
                line = read.content.substr(0, read.content.find('\n'));
            }
        } catch (const std::system_error&) {
        }
        return line;
    };
    unsigned long flags = 0;
    const auto text = first_line("flags"); // "0x1003"
    if (text.size() > 2 && text.compare(0, 2, "0x") == 0) {
        std::from_chars(text.data() + 2, text.data() + text.size(), flags, 16);
    }
    device.up = (flags & 0x1U) != 0; // IFF_UP
    device.carrier = first_line("carrier") == "1"; // EINVAL (empty) while down
    // master is a link to the master's directory: resolve it inside the root and
    // take the name of the directory it reaches.
    if (const auto master = root.open(dir + "/master", O_PATH | O_DIRECTORY)) {
        std::error_code ec;
        const auto target = fs::read_symlink("/proc/self/fd/" + std::to_string(master.get()), ec);
        if (!ec) {
            device.master = target.filename().string();
        }
    }
    return device;
}

TargetCondition target_condition(const ConfigfsTarget& target,
                                 const std::optional<TargetDevice>& device,
                                 std::optional<StopReason> logged_stop) noexcept {
    if (!target.enabled) {
        if (!device || target.dev_name.empty()) {
            return TargetCondition::disabled;
        }
        if (!device->exists) {
            return TargetCondition::device_gone;
        }
        if (!device->master.empty()) {
            return TargetCondition::enslaved;
        }
        return logged_stop ? TargetCondition::stopped_by_kernel : TargetCondition::disabled;
    }
    if (!device || !device->exists || target.dev_name.empty()) {
        // An enabled target holds its device; a miss means a rename raced the read.
        return TargetCondition::unknown;
    }
    if (!device->up) {
        return TargetCondition::device_down;
    }
    return device->carrier ? TargetCondition::sending : TargetCondition::no_carrier;
}

} // namespace ncs
