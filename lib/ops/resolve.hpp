#pragma once
// Resolving several requests for a use case (apply, print, cmdline): every failure is
// kept with its label, and two targets to one destination are refused.

#include "resolve/request.hpp"
#include "resolve/resolver.hpp"
#include "system/root.hpp"

#include <exception>
#include <string>
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

/// The one rule for a target given twice: two targets to the same remote IP and port
/// would send every message twice (and apply would give both one name). Throws InputError.
void refuse_same_destination(const std::vector<Resolution>& resolutions,
                             const std::vector<TargetRequest>& requests);

} // namespace ncs::ops
