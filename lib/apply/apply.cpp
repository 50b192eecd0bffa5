#include "apply/apply.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>
#include <system_error>

namespace ncs::apply {
namespace {

namespace fs = std::filesystem;

// include/linux/errno.h: not a userspace errno; strerror() says "Unknown error 524".
constexpr int k_enotsupp = 524;

constexpr std::string_view k_dmesg_hint = "see dmesg for the kernel's own line";

std::string flag_text(bool value) { return value ? "1" : "0"; }

Operation write(std::string path, std::string value, std::string previous) {
    return {Operation::Kind::write, std::move(path), std::move(value), std::move(previous)};
}

/// The attribute named in a path: "remote_port", "userdata key 'k'".
std::string describe_path(std::string_view path) {
    if (path.rfind("userdata/", 0) == 0) {
        auto rest = path.substr(9);
        if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
            return fmt::format("userdata key '{}'", rest.substr(0, slash));
        }
        if (std::any_of(std::begin(k_sysdata_switches), std::end(k_sysdata_switches),
                        [&](const SysdataSwitch& s) { return s.file == rest; })) {
            return fmt::format("userdata/{}", rest);
        }
        return fmt::format("userdata key '{}'", rest);
    }
    return std::string(path);
}

std::string errno_text(int code) {
    if (code == k_enotsupp) {
        return "ENOTSUPP";
    }
    return std::generic_category().message(code);
}

/// The kernel's errno for op on target name, in words.
std::string explain(int code, const Operation& op, std::string_view name,
                    std::string_view dev_name) {
    if (op.kind == Operation::Kind::write && op.path == "enabled" && op.value == "1") {
        switch (code) {
        case k_enotsupp:
            return fmt::format("cannot enable target {}: device {} cannot do netpoll (e.g. a "
                               "veth)",
                               name, dev_name);
        case EBUSY:
            return fmt::format("cannot enable target {}: device {} is a bridge port or bond "
                               "slave; use the bridge or bond device instead",
                               name, dev_name);
        case ENODEV:
            return fmt::format("cannot enable target {}: there is no device {}", name,
                               dev_name);
        case EDESTADDRREQ:
            return fmt::format("cannot enable target {}: device {} has no address of the "
                               "remote's family; give {}",
                               name, dev_name, mention(Field::local_address));
        case EINVAL:
            return fmt::format("the kernel refused to enable target {} (EINVAL)", name);
        default:
            return fmt::format("cannot enable target {}: {}", name, errno_text(code));
        }
    }
    const auto what = describe_path(op.path);
    switch (op.kind) {
    case Operation::Kind::write:
        if (code == EINVAL) {
            return fmt::format("the kernel refused {} '{}' for target {} (EINVAL)", what,
                               op.value, name);
        }
        if (code == EMSGSIZE || code == E2BIG) {
            return fmt::format("the kernel refused {} of target {}: the value is too long", what,
                               name);
        }
        if (code == ENOSPC) {
            return fmt::format("the kernel refused {} for target {}: too many userdata entries "
                               "and sysdata switches (16 in all on Linux 6.15-6.18)",
                               what, name);
        }
        return fmt::format("cannot write {} '{}' for target {}: {}", what, op.value, name,
                           errno_text(code));
    case Operation::Kind::make_directory:
        if (op.path.empty()) {
            return fmt::format("cannot create target {}: {}", name, errno_text(code));
        }
        if (code == ENAMETOOLONG) {
            return fmt::format("the kernel refused {} for target {}: the key is too long", what,
                               name);
        }
        if (code == ENOSPC) {
            return fmt::format("the kernel refused {} for target {}: too many userdata entries "
                               "(16 up to Linux 6.18)",
                               what, name);
        }
        return fmt::format("cannot create {} of target {}: {}", what, name, errno_text(code));
    case Operation::Kind::remove_directory:
        if (op.path.empty()) {
            return fmt::format("cannot remove target {}: {}", name, errno_text(code));
        }
        return fmt::format("cannot remove {} of target {}: {}", what, name, errno_text(code));
    }
    return errno_text(code);
}

/// Runs operations and remembers them, so that rollback() can undo them in reverse.
class Transaction {
public:
    Transaction(ConfigfsFiles& files, fs::path dir) : m_files(files), m_dir(std::move(dir)) {}

    /// Runs op on target name; throws std::system_error as the kernel answered.
    void run(const std::string& name, const Operation& op) {
        const auto path = op.path.empty() ? m_dir / name : m_dir / name / op.path;
        switch (op.kind) {
        case Operation::Kind::write:
            m_files.write(path, op.value + "\n");
            break;
        case Operation::Kind::make_directory:
            m_files.make_directory(path);
            if (op.path.empty()) {
                m_created.insert(name);
            }
            break;
        case Operation::Kind::remove_directory:
            m_files.remove_directory(path);
            break;
        }
        m_done.push_back({name, op});
    }

    /// A mkdir that attached an existing boot target: undoing it by rmdir would
    /// destroy that target for good, so it stays; its attributes are still restored.
    void mark_adopted(const std::string& name) { m_created.erase(name); }

    /// Undoes everything, last first; returns what could not be undone.
    std::vector<std::string> rollback() noexcept {
        std::vector<std::string> failures;
        for (auto it = m_done.rbegin(); it != m_done.rend(); ++it) {
            const auto& [name, op] = *it;
            const bool created = m_created.count(name) != 0;
            const auto path = op.path.empty() ? m_dir / name : m_dir / name / op.path;
            try {
                switch (op.kind) {
                case Operation::Kind::write:
                    // A target created here goes away; restoring its attributes is
                    // pointless (and may fail: ≤6.16 never goes back from IPv6 to IPv4),
                    // but it is disabled before rmdir.
                    if (created && op.path != "enabled") {
                        break;
                    }
                    m_files.write(path, op.previous + "\n");
                    break;
                case Operation::Kind::make_directory:
                    if (!op.path.empty() || created) {
                        m_files.remove_directory(path);
                    }
                    break;
                case Operation::Kind::remove_directory:
                    if (op.path.empty()) {
                        break; // a removed target cannot come back
                    }
                    m_files.make_directory(path);
                    if (!op.value.empty()) {
                        m_files.write(path / "value", op.value + "\n");
                    }
                    break;
                }
            } catch (const std::exception& e) {
                failures.emplace_back(e.what());
            }
        }
        m_done.clear();
        return failures;
    }

private:
    ConfigfsFiles& m_files;
    fs::path m_dir;
    std::vector<std::pair<std::string, Operation>> m_done;
    std::set<std::string> m_created;
};

/// Rolls back and throws the OperationError that explains error.
[[noreturn]] void fail(Transaction& transaction, const std::system_error& error,
                       const Operation& op, std::string_view name, std::string_view dev_name) {
    const auto failures = transaction.rollback();
    auto message = explain(error.code().value(), op, name, dev_name);
    if (failures.empty()) {
        message += "; every change was undone";
    } else {
        message += fmt::format("; undoing failed too: {}", failures.front());
    }
    throw OperationError(message, std::string(k_dmesg_hint));
}

/// Whether text holds a control character (C0, DEL, C1 raw or as UTF-8) or bytes
/// that are not UTF-8: what a terminal would act on, or a name nobody can type.
bool has_control_or_invalid(std::string_view text) {
    std::size_t continuation = 0;
    unsigned char lead = 0;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (continuation > 0) {
            // U+0080-U+009F (C1) is C2 80-C2 9F; E0/F0 overlong and F4 beyond U+10FFFF,
            // ED surrogates are not UTF-8.
            const bool bad = (c & 0xc0U) != 0x80U || (lead == 0xc2 && c < 0xa0) ||
                             (lead == 0xe0 && c < 0xa0) || (lead == 0xed && c >= 0xa0) ||
                             (lead == 0xf0 && c < 0x90) || (lead == 0xf4 && c >= 0x90);
            if (bad) {
                return true;
            }
            lead = 0; // only the first continuation byte is constrained
            --continuation;
        } else if (c < 0x20 || c == 0x7f) {
            return true;
        } else if (c >= 0x80) {
            if (c < 0xc2 || c > 0xf4) {
                return true; // a stray continuation byte, overlong, or beyond Unicode
            }
            continuation = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
            lead = c;
        }
    }
    return continuation > 0;
}

} // namespace

void require_target(const ConfigfsFiles& files, const fs::path& dir, std::string_view name) {
    validate_target_name(name);
    if (files.is_directory(dir / std::string(name))) {
        return;
    }
    if (!files.is_directory(dir)) {
        throw OperationError("there is no netconsole directory in configfs",
                             "netconsole is not loaded or configfs is not mounted; "
                             "setting up a target does both");
    }
    throw MissingTargetError(std::string(name), is_boot_target_name(name)
                                                    ? MissingTargetError::Kind::boot_time
                                                    : MissingTargetError::Kind::made);
}

void validate_target_name(std::string_view name) {
    const auto hint = "a name is 1 to 255 bytes, not '.' or '..', without '/'";
    if (name.empty()) {
        throw InputError("the target name is empty", hint);
    }
    if (name == "." || name == ".." || name.find('/') != std::string_view::npos ||
        name.size() > 255) {
        throw InputError(fmt::format("'{}' cannot be a target name", name), hint);
    }
    if (has_control_or_invalid(name)) {
        // Not quoted: a NUL would cut the message short.
        throw InputError("a target name cannot hold a control character or bytes that are not "
                         "UTF-8",
                         "a name of letters, digits and punctuation, such as doctor-1");
    }
}

std::string default_target_name(const Target& target) {
    auto address = target.remote_ip.to_string();
    std::replace(address.begin(), address.end(), '.', '-');
    std::replace(address.begin(), address.end(), ':', '-');
    return fmt::format("ncs-{}-{}", address, target.remote_port);
}

bool is_boot_target_name(std::string_view name) {
    constexpr std::string_view prefix = "cmdline";
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) {
        return false;
    }
    return name.substr(prefix.size()).find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view to_string(Outcome outcome) noexcept {
    switch (outcome) {
    case Outcome::unchanged: return "unchanged";
    case Outcome::created: return "created";
    case Outcome::adopted: return "adopted";
    case Outcome::updated: return "updated";
    }
    return "?";
}

std::vector<Operation> plan(const Target& desired, const ConfigfsTarget& current) {
    const auto* dev_name = desired.device_name();
    if (dev_name == nullptr) {
        throw InputError(
            fmt::format("configfs cannot choose the device by MAC ({})", describe(desired.device)),
            fmt::format("give the interface name with {}", mention(Field::device)));
    }
    const auto& features = current.features;
    if (desired.release && !features.release) {
        throw OperationError("this kernel's netconsole has no 'release' attribute",
                             needs_linux(mention(Field::release), added_in::release));
    }
    if (!desired.userdata.empty() && !features.userdata) {
        throw OperationError("this kernel's netconsole has no userdata",
                             needs_linux(mention(Field::userdata), added_in::userdata));
    }
    if ((desired.sysdata.cpu_nr && !features.cpu_nr) ||
        (desired.sysdata.taskname && !features.taskname) ||
        (desired.sysdata.release && !features.sysdata_release)) {
        throw OperationError("this kernel's netconsole has no sysdata switches",
                             needs_linux(mention(Field::sysdata), added_in::sysdata));
    }
    if (desired.sysdata.msgid && !features.msgid) {
        throw OperationError("this kernel's netconsole has no msgid sysdata switch",
                             needs_linux(mention(Field::sysdata) + " msgid", added_in::msgid));
    }

    const auto family = desired.remote_ip.family();
    const auto remote_ip = desired.remote_ip.without_zone();
    const bool auto_local = !desired.local_ip || desired.local_ip->is_unspecified();
    const auto local_ip = auto_local ? IpAddress::any(family) : desired.local_ip->without_zone();

    // Attributes the kernel locks while the target is enabled, compared by value
    // (the kernel prints IPv6 compressed and MACs lowercase).
    std::vector<Operation> locked;
    auto compare = [&](std::string_view attribute, bool same, std::string value) {
        if (!same) {
            locked.push_back(write(std::string(attribute), std::move(value),
                                   *current.text(attribute)));
        }
    };
    compare("dev_name", current.dev_name == *dev_name, *dev_name);
    compare("remote_ip", current.remote_ip == remote_ip, remote_ip.to_string());
    // With no source given, an enabled target shows the address the kernel picked
    // (and keeps it after disable: "sticky", §2.3). That is what was asked for, as
    // long as nothing else changes; when something does, 0 is written again so the
    // kernel picks afresh.
    const bool kernel_picked =
        auto_local && current.enabled && current.local_ip.family() == family;
    const bool local_same = current.local_ip == local_ip;
    compare("remote_port", current.remote_port == desired.remote_port,
            std::to_string(desired.remote_port));
    compare("local_port", current.local_port == desired.local_port,
            std::to_string(desired.local_port));
    compare("remote_mac", current.remote_mac == desired.remote_mac,
            desired.remote_mac.to_string());
    compare("extended", current.extended == desired.extended, flag_text(desired.extended));
    if (features.release) {
        compare("release", current.release == desired.release, flag_text(desired.release));
    }
    if (!local_same && (!kernel_picked || !locked.empty())) {
        locked.push_back(write("local_ip", local_ip.to_string(), *current.text("local_ip")));
    }
    // The safe order of §2.6, whatever order the comparisons ran in.
    const auto rank = [](const Operation& op) {
        const auto* it = std::find(std::begin(k_writable_attributes),
                                   std::end(k_writable_attributes), op.path);
        return it - std::begin(k_writable_attributes);
    };
    std::stable_sort(locked.begin(), locked.end(),
                     [&](const Operation& a, const Operation& b) { return rank(a) < rank(b); });

    // userdata and the sysdata switches may change while enabled (§2.3).
    std::vector<Operation> free;
    std::map<std::string, std::string> wanted;
    for (const auto& entry : desired.userdata) {
        wanted[entry.key] = entry.value;
    }
    std::map<std::string, std::string> present;
    for (const auto& entry : current.userdata) {
        present[entry.key] = entry.value;
    }
    // Removals first: up to 6.18 the kernel counts entries against a limit.
    for (const auto& [key, value] : present) {
        if (wanted.count(key) == 0) {
            free.push_back({Operation::Kind::remove_directory, "userdata/" + key, value, {}});
        }
    }
    std::vector<Operation> switches_on;
    for (const auto& s : k_sysdata_switches) {
        const bool want = desired.sysdata.*s.value;
        if (!(features.*s.feature) || current.sysdata.*s.value == want) {
            continue;
        }
        auto op = write("userdata/" + std::string(s.file), flag_text(want),
                        flag_text(!want));
        (want ? switches_on : free).push_back(std::move(op));
    }
    for (const auto& [key, value] : wanted) {
        const auto it = present.find(key);
        if (it == present.end()) {
            free.push_back({Operation::Kind::make_directory, "userdata/" + key, {}, {}});
            if (!value.empty()) {
                free.push_back(write("userdata/" + key + "/value", value, ""));
            }
        } else if (it->second != value) {
            free.push_back(write("userdata/" + key + "/value", value, it->second));
        }
    }
    free.insert(free.end(), switches_on.begin(), switches_on.end());

    std::vector<Operation> ops;
    if (!locked.empty() && current.enabled) {
        ops.push_back(write("enabled", "0", "1"));
    }
    ops.insert(ops.end(), locked.begin(), locked.end());
    ops.insert(ops.end(), free.begin(), free.end());
    if (!locked.empty() || !current.enabled) {
        ops.push_back(write("enabled", "1", "0"));
    }
    return ops;
}

std::vector<TargetReport> apply_targets(ConfigfsFiles& files, const fs::path& dir,
                                        const std::vector<Target>& targets) {
    const auto lock = files.hold_writers(); // from the first read to the last write
    Transaction transaction(files, dir);
    std::vector<TargetReport> reports;
    for (const auto& target : targets) {
        validate_target_name(target.name);
        const auto* dev = target.device_name();
        const std::string dev_name = dev != nullptr ? *dev : describe(target.device);
        TargetReport report;
        report.name = target.name;
        report.outcome = Outcome::updated;
        // A copy, not a pointer: the operation must outlive the try block's locals
        // for the error report in the handler.
        std::optional<Operation> running;
        try {
            if (!files.is_directory(dir / target.name)) {
                const Operation mkdir{Operation::Kind::make_directory, "", "", ""};
                running = mkdir;
                transaction.run(target.name, mkdir);
                running.reset();
                report.outcome = Outcome::created;
                report.operations.push_back(mkdir);
                if (is_boot_target_name(target.name)) {
                    // 6.7+: the mkdir attached a boot target if there was one; a fresh
                    // target is disabled and sends nowhere.
                    const auto fresh = read_target(files, dir, target.name);
                    if (fresh.enabled || !fresh.remote_ip.is_unspecified()) {
                        transaction.mark_adopted(target.name);
                        report.outcome = Outcome::adopted;
                    }
                }
            }
            const auto current = read_target(files, dir, target.name);
            const auto ops = plan(target, current);
            for (const auto& op : ops) {
                running = op;
                transaction.run(target.name, op);
                report.operations.push_back(op);
            }
            running.reset();
            if (ops.empty() && report.outcome == Outcome::updated) {
                report.outcome = Outcome::unchanged;
            }
        } catch (const std::system_error& error) {
            if (!running) {
                transaction.rollback();
                throw;
            }
            fail(transaction, error, *running, target.name, dev_name);
        } catch (...) {
            transaction.rollback();
            throw;
        }
        reports.push_back(std::move(report));
    }
    for (auto& report : reports) {
        report.after = read_target(files, dir, report.name);
    }
    return reports;
}

Toggle set_enabled(ConfigfsFiles& files, const fs::path& dir, std::string_view name,
                   bool enabled) {
    const auto lock = files.hold_writers();
    require_target(files, dir, name);
    const auto current = read_target(files, dir, name);
    if (current.enabled == enabled) {
        // The kernel answers EINVAL to writing the current value: never try.
        return Toggle::already;
    }
    Transaction transaction(files, dir);
    const auto op = write("enabled", flag_text(enabled), flag_text(!enabled));
    try {
        transaction.run(std::string(name), op);
    } catch (const std::system_error& error) {
        fail(transaction, error, op, name, current.dev_name);
    }
    return Toggle::changed;
}

std::vector<Operation> remove_target(ConfigfsFiles& files, const fs::path& dir,
                                     std::string_view name) {
    const auto lock = files.hold_writers();
    require_target(files, dir, name);
    const auto current = read_target(files, dir, name);
    std::vector<Operation> ops;
    if (current.enabled) {
        ops.push_back(write("enabled", "0", "1"));
    }
    // configfs refuses rmdir of a directory that still has child groups.
    for (const auto& entry : current.userdata) {
        ops.push_back({Operation::Kind::remove_directory, "userdata/" + entry.key, entry.value, {}});
    }
    ops.push_back({Operation::Kind::remove_directory, "", "", ""});
    Transaction transaction(files, dir);
    for (const auto& op : ops) {
        try {
            transaction.run(std::string(name), op);
        } catch (const std::system_error& error) {
            fail(transaction, error, op, name, current.dev_name);
        }
    }
    return ops;
}

} // namespace ncs::apply
