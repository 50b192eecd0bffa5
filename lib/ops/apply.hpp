#pragma once
// apply as one library call (issue 21): desired targets (the command line's, or a
// configuration's: ops/config.hpp) -> resolved -> planned against configfs, read once
// -> applied in one transaction (lib/reconcile, lib/apply), or only planned (a dry run).
// Never prints: the result says what happened, and the CLI renders it.

#include "apply/apply.hpp"
#include "model/crash_delivery.hpp"
#include "ops/resolve.hpp"
#include "reconcile/reconcile.hpp"
#include "resolve/request.hpp"
#include "system/root.hpp"

#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace ncs::ops {

/// Whether each target's steps and warnings are named even when it is the only one.
enum class NameEach { when_several, always };

/// An apply, validated when made (make_apply_request); nothing downstream checks again.
struct ApplyRequest {
    std::vector<reconcile::DesiredTarget> desired;
    std::optional<int> console_level;  ///< also set the console log level (not in a dry run)
    std::optional<LiveKernel> kernel;  ///< nullopt: a dry run, which only reads (any root)
    const Root* root = nullptr;
    NameEach name_each = NameEach::when_several;
    /// A configuration's apply (ops/config.hpp): afterwards, the targets an earlier one
    /// made that it no longer lists are removed (when complete), under one writer lock.
    std::optional<bool> configuration_complete;
};

/// Checks desired (names, userdata keys, no name twice: reconcile::validate) and the
/// console level, once. Throws InputError ("<where>: ...") and FieldError. A dry run
/// until the caller gives it the kernel (after checking the right to change it).
ApplyRequest make_apply_request(std::vector<reconcile::DesiredTarget> desired,
                                std::optional<int> console_level, const Root& root,
                                NameEach name_each = NameEach::when_several,
                                std::optional<bool> configuration_complete = std::nullopt);

/// One target's resolution, as it is reported: its steps and typed warnings.
struct TargetResolution {
    std::string label; ///< the target's name, a request label after a failure, or ""
    std::vector<Step> steps;
    /// Its warnings; "needs Linux X" ones are left out (apply fails with the version).
    std::vector<reconcile::TargetWarning> warnings;
};

/// What an apply did, in the order it happened. When error is set it stopped there:
/// everything before it is still to be reported, then the error.
struct ApplyResult {
    CrashVerdict crash;                             ///< will a panic reach the doctor
    std::vector<TargetResolution> resolutions;      ///< in order (all attempts on a failure)
    std::vector<RequestFailure> failures;           ///< targets that did not resolve
    std::vector<std::string> prepared;              ///< steps getting the kernel ready
    std::vector<std::string> listed;                ///< the resolved targets' names
    std::optional<reconcile::Plan> plan;            ///< made (a dry run's result)
    std::vector<apply::TargetReport> reports;       ///< what was written, per target
    std::optional<int> console_level;               ///< set to this
    std::vector<std::string> removed;               ///< no longer in the configuration
    std::exception_ptr error;                       ///< where it stopped, or null
};

/// Runs request: never throws for a failure past the request (error, failures).
ApplyResult apply(const ApplyRequest& request);

/// Whether this process may change the kernel's configfs and modules (CAP_SYS_ADMIN).
bool may_change_kernel();

/// What configfs holds now, read only (any root); no netconsole directory is an empty
/// Live whose targets would all be created.
reconcile::Live read_live_state(const Root& root);

} // namespace ncs::ops
