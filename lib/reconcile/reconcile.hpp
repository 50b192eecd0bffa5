#pragma once
// The one path from what the configuration asks for to configfs:
//   desired targets (CLI options, /etc/netconsole-setup.conf, /etc/default/netconsole,
//   /etc/sysconfig/netconsole) -> resolved targets -> a plan against the live configfs
//   state -> the transactional apply of lib/apply.
// apply, apply --config, the Debian form and watch are callers of it. plan() is pure;
// apply_plan() writes through the ConfigfsFiles seam (lib/apply's transaction).

#include "apply/apply.hpp"
#include "model/target.hpp"
#include "resolve/request.hpp"
#include "system/configfs.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ncs::reconcile {

/// One target as a configuration source asks for it, before resolution.
struct DesiredTarget {
    std::string where;                   ///< "command line", "FILE:LINE", "/etc/sysconfig/netconsole"
    TargetRequest request;
    std::optional<std::string> name;     ///< nullopt: ncs-<remote IP>-<port> once resolved
    std::vector<UserdataEntry> userdata;
    Sysdata sysdata;
};

/// Sets error's location (InputError::locate) to where desired came from; the command
/// line, the user's own request, is no location.
void locate(InputError& error, const DesiredTarget& desired);

/// Checks what can be checked before resolution, once for every source: the name
/// (apply::validate_target_name) and userdata keys given twice. Throws InputError or
/// FieldError located at desired.where (locate()).
void validate(const DesiredTarget& desired);

/// Checks a set of desired targets: each one, then that no two share an explicit name.
void validate(const std::vector<DesiredTarget>& desired);

/// What a warning is about, so callers choose by kind, never by text.
enum class WarningKind {
    resolution,            ///< a warning of the resolver (Wi-Fi, veth, link down, ...)
    needs_newer_kernel,    ///< a feature check() says needs a newer kernel
    userdata_not_extended, ///< userdata/sysdata given to a target that is not extended
    unresolved,            ///< the target cannot be resolved now; left as it is
    device_gone,           ///< the live target's device is gone; left as it is
};

struct TargetWarning {
    WarningKind kind = WarningKind::resolution;
    std::string target; ///< the target's name (or its where when it has none yet)
    Warning warning;
    bool operator==(const TargetWarning&) const = default;
};

/// The resolved target: the resolution's target with name, userdata and sysdata of
/// desired, checked by validate(Target). Throws InputError "<where>: ...".
Target finish(const DesiredTarget& desired, const Resolution& resolution);

/// The typed warnings of one resolution of desired into target.
std::vector<TargetWarning> warnings_of(const DesiredTarget& desired, const Resolution& resolution,
                                       const Target& target);

/// One target the plan is about: resolved, or not resolvable right now.
struct Wanted {
    std::string name;
    std::optional<Target> target;          ///< nullopt: resolution failed now
    std::string unresolved;                ///< why, when target is nullopt
    bool device_gone = false;              ///< nullopt because its device does not exist now
    std::optional<IpAddress> next_hop;     ///< the gateway (or the remote when on-link), for reasons
    bool permanent_mac = false;            ///< the MAC is a PERMANENT neighbour entry's, for reasons
};

/// One attribute the plan changes: "remote_mac", "02:00:00:00:00:01" -> "...:03".
struct Change {
    std::string attribute;
    std::string before;
    std::string after;
    std::string reason; ///< "gateway 10.0.0.1 answered with a new MAC", or empty
    bool operator==(const Change&) const = default;
};

struct TargetPlan {
    enum class Kind {
        create,    ///< no such target in configfs: mkdir, then the writes
        update,    ///< writes to an existing target
        unchanged, ///< configfs already holds it: no write
        keep,      ///< not resolvable now (or its device is gone): left as it is
    };
    std::string name;
    Kind kind = Kind::unchanged;
    std::vector<apply::Operation> operations; ///< in order; create: after the mkdir
    std::vector<Change> changes;              ///< the attributes whose value changes
    std::optional<Target> target;             ///< what is applied (create/update/unchanged)
};

/// "create", "update", "unchanged", "keep".
std::string_view to_string(TargetPlan::Kind kind) noexcept;

struct Plan {
    std::vector<TargetPlan> targets; ///< in the order wanted
    std::vector<TargetWarning> warnings;
    /// Whether applying writes anything.
    bool changes_anything() const;
};

/// What configfs holds now: the targets present, by name. A name absent here is created.
/// Every feature a netconsole target can have: what a plan assumes before the kernel
/// has shown its own (no target directory exists yet).
ConfigfsFeatures all_features();

struct Live {
    bool configfs = true;                ///< false: no netconsole directory (dry runs)
    std::vector<ConfigfsTarget> targets; ///< as read_target() returns them
    ConfigfsFeatures features;           ///< of this kernel, for targets still to be created
};

/// Pure: what applying wanted to live would do. A target whose resolution failed is
/// kept as it is (never disabled, never removed), with an `unresolved` warning, or
/// `device_gone` when its device does not exist (7.0+ resumes it by itself when the
/// device comes back; a later event re-plans on 6.x). Throws as apply::plan() for a
/// target the kernel's features cannot hold.
Plan plan(const std::vector<Wanted>& wanted, const Live& live);

/// Reads dir into a Live (features from the first target; with none, all_features()).
Live read_live(const ConfigfsFiles& files, const std::filesystem::path& dir);

/// The same, reading only the targets named (all plan() needs for a plan of those:
/// it matches by name); features from the first of them present, else from any
/// other target. What watch reads on each change: a target read is a dozen files.
Live read_live(const ConfigfsFiles& files, const std::filesystem::path& dir,
               const std::vector<std::string>& only);

/// What configfs shows once target has been applied on a kernel with features (the
/// state a dry run assumes after showing its plan).
ConfigfsTarget expected_live(const Target& target, const ConfigfsFeatures& features);

/// Applies the targets of p that are not kept, in one transaction (lib/apply), so a
/// failed write undoes them all; an unchanged target is read, not written. Returns
/// their reports, in order.
std::vector<apply::TargetReport> apply_plan(ConfigfsFiles& files, const std::filesystem::path& dir,
                                            const Plan& p);

} // namespace ncs::reconcile
