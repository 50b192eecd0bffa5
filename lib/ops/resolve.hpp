#pragma once
// Resolving several requests for a use case (apply, print, cmdline): every failure is
// kept with its label, and two targets to one destination are refused.

#include "resolve/request.hpp"
#include "resolve/resolver.hpp"
#include "system/root.hpp"

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::ops {

/// "target N (TO)" for the Nth of several requests, "" for the only one.
std::string request_label(const std::vector<TargetRequest>& requests, std::size_t index);

/// One request that failed: its label and the error it failed with.
struct RequestFailure {
    std::string label; ///< request_label()
    std::exception_ptr error;
};

/// Every request's attempt, in order, and the failures among them.
struct Attempts {
    std::vector<Attempt> attempts;
    std::vector<RequestFailure> failures;
};

/// Resolves every request (one netlink session), even after one fails; when none
/// failed, refuse_same_destination() (it throws).
Attempts resolve_requests(const std::vector<TargetRequest>& requests, const Root& root);

/// What a use case that needs its targets resolved returns: every attempt (the CLI shows
/// their steps and warnings), then the plan made from the targets, or the error that made
/// it fail. No plan and no error when a request failed (attempts.failures says which).
template <class Plan>
struct Resolved {
    Attempts attempts;
    std::optional<Plan> plan;
    std::exception_ptr error; ///< the plan's own failure, after every target resolved
};

/// Drops the needs-newer-kernel warnings of attempts when release's version is known: the
/// plan checks the features against that kernel instead (require_boot_features), and a
/// device by MAC that kernel may lack gets its own warning (device_by_mac_on).
void drop_version_warnings(Attempts& attempts, std::string_view release);

/// The resolved targets of attempts that all succeeded, in order.
std::vector<Target> targets_of(const Attempts& attempts);

/// The entry point of a use case whose request starts with target requests (modprobe,
/// cmdline): resolves them (resolve_requests), and when none failed makes the plan with
/// make_plan(targets), one library call for the CLI. Throws nothing make_plan throws.
template <class MakePlan>
auto resolve_then(const std::vector<TargetRequest>& requests, const Root& root,
                  MakePlan&& make_plan)
    -> Resolved<decltype(make_plan(std::vector<Target>{}))> {
    Resolved<decltype(make_plan(std::vector<Target>{}))> result;
    try {
        result.attempts = resolve_requests(requests, root);
        if (result.attempts.failures.empty()) {
            result.plan = make_plan(targets_of(result.attempts));
        }
    } catch (...) {
        result.error = std::current_exception();
    }
    return result;
}

/// The one rule for a target given twice: two targets to the same remote IP and port
/// would send every message twice (and apply would give both one name). Throws InputError.
void refuse_same_destination(const std::vector<Resolution>& resolutions,
                             const std::vector<TargetRequest>& requests);

} // namespace ncs::ops
