#include "reconcile/reconcile.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <system_error>
#include <variant>

namespace ncs::reconcile {
namespace {

namespace fs = std::filesystem;

/// Runs f; an InputError it throws is rethrown as itself (a FieldError stays one), located
/// where desired came from.
template <typename F>
void with_where(const DesiredTarget& desired, F&& f) {
    try {
        f();
    } catch (InputError& e) {
        locate(e, desired);
        throw;
    }
}

std::string flag_text(bool value) { return value ? "1" : "0"; }

/// Why an attribute changed, from what resolution found.
std::string reason_for(const std::string& attribute, const Target& target,
                       const std::optional<IpAddress>& next_hop, bool permanent_mac) {
    if (attribute == "remote_mac" && next_hop && permanent_mac) {
        // Nothing answered: someone set the entry (ip neigh ... nud permanent).
        return fmt::format("the neighbour table's permanent entry for {}{}, set by hand, has "
                           "a new MAC",
                           *next_hop == target.remote_ip.without_zone() ? "" : "gateway ",
                           *next_hop);
    }
    if (attribute == "remote_mac" && next_hop) {
        if (*next_hop == target.remote_ip.without_zone()) {
            return fmt::format("{} answered with a new MAC", *next_hop);
        }
        return fmt::format("gateway {} answered with a new MAC", *next_hop);
    }
    if (attribute == "dev_name") {
        const auto* dev = target.device_name();
        return fmt::format("the route now leaves by {}", dev != nullptr ? *dev : "another device");
    }
    if (attribute == "local_ip") {
        return "the source address changed";
    }
    return {};
}

/// The attribute changes a list of operations makes, for messages. A disable that is
/// followed by an enable is no change; an enable of a disabled target is one.
std::vector<Change> changes_of(const std::vector<apply::Operation>& ops, const Target& target,
                               const Wanted& wanted, bool explain) {
    using Kind = apply::Operation::Kind;
    std::vector<Change> changes;
    const bool disables = std::any_of(ops.begin(), ops.end(), [](const apply::Operation& op) {
        return op.path == "enabled" && op.value == "0";
    });
    for (const auto& op : ops) {
        if (op.path == "enabled") {
            if (!disables && op.value == "1") {
                changes.push_back({"enabled", "0", "1", {}});
            }
            continue;
        }
        if (op.path == "local_ip" && !target.local_ip && op.kind == Kind::write &&
            IpAddress::try_parse(op.value).value_or(target.remote_ip).is_unspecified()) {
            continue; // no source given: the kernel picks one again at enable
        }
        switch (op.kind) {
        case Kind::write:
            changes.push_back({op.path, op.previous, op.value,
                               explain ? reason_for(op.path, target, wanted.next_hop,
                                                    wanted.permanent_mac)
                                       : std::string()});
            break;
        case Kind::make_directory:
            if (!op.path.empty() &&
                std::none_of(ops.begin(), ops.end(), [&](const apply::Operation& other) {
                    return other.kind == Kind::write && other.path == op.path + "/value";
                })) {
                changes.push_back({op.path, "", "(empty)", {}});
            }
            break;
        case Kind::remove_directory:
            changes.push_back({op.path, op.value, "(removed)", {}});
            break;
        }
    }
    return changes;
}

void set_attributes(ConfigfsTarget& t) {
    t.attributes.clear();
    auto add = [&](std::string name, std::string text) {
        t.attributes.push_back({std::move(name), std::move(text)});
    };
    add("enabled", flag_text(t.enabled));
    add("extended", flag_text(t.extended));
    if (t.release) {
        add("release", flag_text(*t.release));
    }
    add("dev_name", t.dev_name);
    add("local_port", std::to_string(t.local_port));
    add("local_ip", t.local_ip.to_string());
    add("remote_port", std::to_string(t.remote_port));
    add("remote_ip", t.remote_ip.to_string());
    add("local_mac", t.local_mac.to_string());
    add("remote_mac", t.remote_mac.to_string());
    for (const auto& entry : t.userdata) {
        add("userdata/" + entry.key + "/value", entry.value);
    }
    for (const auto& s : k_sysdata_switches) {
        if (t.features.*s.feature) {
            add("userdata/" + std::string(s.file), flag_text(t.sysdata.*s.value));
        }
    }
}

/// A target as mkdir makes it: the kernel's defaults, disabled.
ConfigfsTarget fresh_target(const std::string& name, const ConfigfsFeatures& features) {
    ConfigfsTarget t;
    t.name = name;
    t.features = features;
    t.dev_name = std::string(k_default_device);
    t.local_port = k_default_local_port;
    t.remote_port = k_default_remote_port;
    t.local_ip = IpAddress::any(IpFamily::v4);
    t.remote_ip = IpAddress::any(IpFamily::v4);
    t.local_mac = MacAddress::broadcast();
    t.remote_mac = MacAddress::broadcast();
    if (features.release) {
        t.release = false;
    }
    set_attributes(t);
    return t;
}

} // namespace

void locate(InputError& error, const DesiredTarget& desired) {
    if (!desired.where.empty() && desired.where != "command line") {
        error.locate(desired.where);
    }
}

void validate(const DesiredTarget& desired) {
    with_where(desired, [&] {
        if (desired.name) {
            apply::validate_target_name(*desired.name);
        }
        if (const auto& dev = desired.request.dev; dev && std::holds_alternative<MacAddress>(*dev)) {
            // configfs has dev_name only: the kernel chooses by MAC in netconsole= alone.
            throw FieldError(Field::device,
                             fmt::format("{}: configfs cannot choose the device by MAC",
                                         std::get<MacAddress>(*dev)),
                             "give the interface's name; only a netconsole= boot or module "
                             "string chooses the device by MAC (Linux 6.15+)");
        }
        std::set<std::string> keys;
        for (const auto& entry : desired.userdata) {
            if (!keys.insert(entry.key).second) {
                throw FieldError(Field::userdata,
                                 fmt::format("key '{}' is given twice", entry.key));
            }
        }
    });
}

void validate(const std::vector<DesiredTarget>& desired) {
    std::set<std::string> names;
    for (const auto& d : desired) {
        validate(d);
        if (d.name && !names.insert(*d.name).second) {
            InputError error(fmt::format("a second target named {}", *d.name),
                             "give each target its own name");
            locate(error, d);
            throw error;
        }
    }
}

Target finish(const DesiredTarget& desired, const Resolution& resolution) {
    auto target = resolution.target;
    target.userdata = desired.userdata;
    target.sysdata = desired.sysdata;
    target.name = desired.name ? *desired.name : apply::default_target_name(target);
    with_where(desired, [&] { validate(target); });
    return target;
}

std::vector<TargetWarning> warnings_of(const DesiredTarget& desired, const Resolution& resolution,
                                       const Target& target) {
    std::vector<TargetWarning> result;
    auto add = [&](const Warning& w) {
        const auto kind = w.kind == Warning::Kind::needs_newer_kernel
                              ? WarningKind::needs_newer_kernel
                              : WarningKind::resolution;
        result.push_back({kind, target.name, w});
    };
    for (const auto& w : resolution.warnings) {
        add(w);
    }
    // The resolver checked the target before it had userdata and sysdata.
    for (auto w : check(target)) {
        const bool known = std::find(resolution.warnings.begin(), resolution.warnings.end(), w) !=
                           resolution.warnings.end();
        if (known) {
            continue;
        }
        if (w.kind == Warning::Kind::not_extended) {
            result.push_back({WarningKind::userdata_not_extended, target.name, w});
        } else {
            add(w);
        }
    }
    (void)desired;
    return result;
}

std::string_view to_string(TargetPlan::Kind kind) noexcept {
    switch (kind) {
    case TargetPlan::Kind::create: return "create";
    case TargetPlan::Kind::update: return "update";
    case TargetPlan::Kind::unchanged: return "unchanged";
    case TargetPlan::Kind::keep: return "keep";
    }
    return "?";
}

bool Plan::changes_anything() const {
    return std::any_of(targets.begin(), targets.end(), [](const TargetPlan& t) {
        return t.kind == TargetPlan::Kind::create || t.kind == TargetPlan::Kind::update;
    });
}

Plan plan(const std::vector<Wanted>& wanted, const Live& live) {
    Plan result;
    for (const auto& w : wanted) {
        TargetPlan tp;
        tp.name = w.name;
        const auto current = std::find_if(live.targets.begin(), live.targets.end(),
                                          [&](const ConfigfsTarget& t) { return t.name == w.name; });
        if (!w.target) {
            tp.kind = TargetPlan::Kind::keep;
            const bool present = current != live.targets.end();
            const auto kind = w.device_gone ? WarningKind::device_gone : WarningKind::unresolved;
            result.warnings.push_back(
                {kind, w.name,
                 {fmt::format("{}; {}", w.unresolved,
                              present ? "the target is left as it is" : "the target is not made"),
                  "it is tried again when the network changes"}});
            result.targets.push_back(std::move(tp));
            continue;
        }
        tp.target = w.target;
        if (current == live.targets.end()) {
            tp.kind = TargetPlan::Kind::create;
            tp.operations = apply::plan(*w.target, fresh_target(w.name, live.features));
            tp.changes = changes_of(tp.operations, *w.target, w, false);
        } else {
            tp.operations = apply::plan(*w.target, *current);
            tp.kind = tp.operations.empty() ? TargetPlan::Kind::unchanged
                                            : TargetPlan::Kind::update;
            tp.changes = changes_of(tp.operations, *w.target, w, true);
        }
        result.targets.push_back(std::move(tp));
    }
    return result;
}

namespace {

/// The targets present for which wanted(name) holds; features from the first read,
/// else from any target present.
template <typename Wanted>
Live read_live_of(const ConfigfsFiles& files, const fs::path& dir, Wanted wanted) {
    Live live;
    live.configfs = files.is_directory(dir);
    auto present = list_targets(files, dir);
    for (auto it = present.begin(); it != present.end();) {
        try {
            if (wanted(*it)) {
                live.targets.push_back(read_target(files, dir, *it));
            }
            ++it;
        } catch (const std::system_error& e) {
            // Removed by another writer since listed (a `remove` while watch reads), or
            // being made by one (configfs shows a new directory before its attributes):
            // absent for this plan. apply_plan reads again holding the writers' lock.
            if (e.code() != std::errc::no_such_file_or_directory &&
                files.is_directory(dir / *it)) {
                throw;
            }
            it = present.erase(it);
        }
    }
    // A kernel shows its features only in a target's directory. With none yet they
    // are unknown: assume every one, so a plan does not refuse what the kernel may
    // well have. apply_targets() plans again against the fresh directory its mkdir
    // made, and refuses there (rolling back) what this kernel really lacks.
    if (!live.targets.empty()) {
        live.features = live.targets.front().features;
    } else {
        live.features = all_features();
        for (const auto& name : present) {
            try {
                live.features = read_target(files, dir, name).features;
                break;
            } catch (const std::system_error& e) {
                if (e.code() != std::errc::no_such_file_or_directory) {
                    throw;
                }
            }
        }
    }
    return live;
}

} // namespace

Live read_live(const ConfigfsFiles& files, const fs::path& dir) {
    return read_live_of(files, dir, [](const std::string&) { return true; });
}

Live read_live(const ConfigfsFiles& files, const fs::path& dir,
               const std::vector<std::string>& only) {
    return read_live_of(files, dir, [&](const std::string& name) {
        return std::find(only.begin(), only.end(), name) != only.end();
    });
}

ConfigfsFeatures all_features() {
    return {.release = true, .userdata = true, .transmit_errors = true, .cpu_nr = true,
            .taskname = true, .sysdata_release = true, .msgid = true};
}

ConfigfsTarget expected_live(const Target& target, const ConfigfsFeatures& features) {
    auto t = fresh_target(target.name, features);
    t.enabled = true;
    t.extended = target.extended;
    if (features.release) {
        t.release = target.release;
    }
    if (const auto* dev = target.device_name()) {
        t.dev_name = *dev;
    }
    t.local_port = target.local_port;
    t.remote_port = target.remote_port;
    t.remote_ip = target.remote_ip.without_zone();
    // Without a source the kernel shows the address it picked; the plan treats
    // any address of the family as that pick (apply::plan's sticky rule).
    t.local_ip = target.local_ip ? target.local_ip->without_zone()
                                 : IpAddress::any(target.family());
    t.remote_mac = target.remote_mac;
    if (features.userdata) {
        t.userdata = target.userdata;
        std::sort(t.userdata.begin(), t.userdata.end(),
                  [](const UserdataEntry& a, const UserdataEntry& b) { return a.key < b.key; });
    }
    for (const auto& s : k_sysdata_switches) {
        if (features.*s.feature) {
            t.sysdata.*s.value = target.sysdata.*s.value;
        }
    }
    set_attributes(t);
    return t;
}

std::vector<apply::TargetReport> apply_plan(ConfigfsFiles& files, const fs::path& dir,
                                            const Plan& p) {
    std::vector<Target> targets;
    for (const auto& t : p.targets) {
        if (t.target) { // not kept: created, updated or (writing nothing) unchanged
            targets.push_back(*t.target);
        }
    }
    if (targets.empty()) {
        return {};
    }
    // apply_targets re-reads each target inside its transaction and plans again, so
    // a change made by someone else since read_live() is not overwritten blindly.
    return apply::apply_targets(files, dir, targets);
}

} // namespace ncs::reconcile
