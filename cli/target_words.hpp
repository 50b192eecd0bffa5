#pragma once
// The words and JSON of lib/ops/inspect's results that several verbs show: a target's
// condition (list, status), the warning for a configured value the kernel never reads
// (status, explain). Every piece of user or kernel text in them goes through printable()
// on its way to a terminal (Output does it for warnings; the callers for lines).

#include "json.hpp"
#include "ops/inspect.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

/// Why the target does not send and what this kernel does next, one sentence; empty
/// when there is nothing to say (sending, disabled by hand, unknown). Raw: printable()
/// it on the way to a terminal.
std::string condition_text(const ConfigfsTarget& target, const ops::TargetReport& report,
                           std::optional<KernelVersion> kernel);

/// The warning for an enabled target whose messages the kernel drops silently
/// (device down or without carrier); nullopt otherwise.
std::optional<Warning> condition_warning(const ConfigfsTarget& target,
                                         const ops::TargetReport& report);

/// Adds {"condition", "device": {"exists", "up", "carrier", "master"} or null, "logged_stop":
/// "unregistered", "joined_master", "released_slaves" or null,
/// "resumes_on_register": bool or null (the kernel's unregister behaviour), "reason":
/// condition_text or null} to a target's JSON.
void add_condition_json(Json& json, const ConfigfsTarget& target, const ops::TargetReport& report,
                        std::optional<KernelVersion> kernel);

/// The warning for value, which the kernel replaces by the later one, by.
Warning overridden_warning(const ConfiguredValue& value, const ConfiguredValue& by);

} // namespace ncs::cli
