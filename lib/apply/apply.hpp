#pragma once
// Making configfs targets hold what the user asked, safely: plan the writes
// that change something, in an order the kernel accepts, never write while a
// target is enabled and never write the current value to `enabled`; run them
// as one transaction that undoes everything when a write fails.
// Spec: shared/reference/kernel-netconsole.md §2.2-§2.6.

#include "model/target.hpp"
#include "system/configfs.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::apply {

/// Throws InputError unless name can be one configfs directory: not empty, not "."
/// or "..", no '/', at most 255 bytes, and a name a terminal shows as it is: UTF-8
/// without control characters (C0, DEL, C1). The one rule for every source of a name.
void validate_target_name(std::string_view name);

/// Throws unless dir/name is a target: InputError for a name that is not one or names
/// no target (the same for every command), OperationError when dir itself is missing.
void require_target(const ConfigfsFiles& files, const std::filesystem::path& dir,
                    std::string_view name);

/// The default name of a target: "ncs-<remote IP with '.' and ':' as '-'>-<remote port>".
std::string default_target_name(const Target& target);

/// Whether name is a boot-time target's name (cmdline0, cmdline1, ...), which the
/// kernel (6.7+) attaches to on mkdir instead of creating a fresh target.
bool is_boot_target_name(std::string_view name);

/// One change to configfs, relative to the target's directory.
struct Operation {
    enum class Kind { write, make_directory, remove_directory };
    Kind kind = Kind::write;
    std::string path;     ///< "remote_port", "userdata/k", "userdata/k/value"; "" = the target
    std::string value;    ///< write: the new text; remove_directory of a userdata key: its value
    std::string previous; ///< write: the text it replaces
    bool operator==(const Operation&) const = default;
};

/// The operations that make current hold desired, in a safe order: disable first
/// when an attribute the kernel locks while enabled changes, then dev_name,
/// remote_ip, local_ip, remote_port, local_port, remote_mac, extended, release,
/// userdata (removals first), sysdata switches (off before on), and enable last.
/// Empty when current already holds desired and is enabled. userdata and sysdata
/// are made exactly the requested ones. Throws OperationError when desired needs a
/// feature current's kernel lacks (naming the kernel that brings it), InputError when
/// configfs cannot express it (a device chosen by MAC).
std::vector<Operation> plan(const Target& desired, const ConfigfsTarget& current);

enum class Outcome { unchanged, created, adopted, updated };

/// "unchanged", "created", "adopted", "updated".
std::string_view to_string(Outcome outcome) noexcept;

/// What apply_targets did to one target.
struct TargetReport {
    std::string name;
    Outcome outcome = Outcome::unchanged;
    std::vector<Operation> operations; ///< done, in order (a created target's mkdir first)
    ConfigfsTarget after;              ///< read back afterwards
};

/// Creates or updates each target (named by its `name`) under dir, all in one
/// transaction: when an operation fails, everything done so far is undone (targets
/// created here removed, changed attributes and enabled states restored) and
/// OperationError is thrown explaining the kernel's errno, with a dmesg hint.
std::vector<TargetReport> apply_targets(ConfigfsFiles& files, const std::filesystem::path& dir,
                                        const std::vector<Target>& targets);

enum class Toggle { changed, already };

/// Writes `enabled` of dir/name unless it already holds that state. Throws
/// OperationError when there is no such target or the kernel refuses.
Toggle set_enabled(ConfigfsFiles& files, const std::filesystem::path& dir, std::string_view name,
                   bool enabled);

/// Disables dir/name, removes its userdata keys, then the directory; undoes all when
/// a step fails. Returns the operations done. Throws OperationError.
std::vector<Operation> remove_target(ConfigfsFiles& files, const std::filesystem::path& dir,
                                     std::string_view name);

} // namespace ncs::apply
