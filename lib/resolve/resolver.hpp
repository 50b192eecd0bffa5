#pragma once
// Resolution through netlink: route (RTM_GETROUTE), next hop, neighbour MAC
// (RTM_GETNEIGH, NTF_USE), interface facts (RTM_GETLINK).
// Spec: shared/reference/libnl-resolution.md.

#include "resolve/request.hpp"
#include "system/root.hpp"

#include <exception>
#include <optional>
#include <vector>

namespace ncs {

/// Resolves every missing field of request the way the kernel would route.
/// Throws InputError for bad requests, OperationError when resolution fails.
Resolution resolve(const TargetRequest& request);

/// Resolves several targets with one netlink session, in order.
std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests);

/// resolve_all() reading sysfs (Wi-Fi detection) under root instead of "/".
std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests, const Root& root);

/// One request's outcome in try_resolve_all(): its resolution, or the error it failed
/// with and the steps it had completed before.
struct Attempt {
    std::optional<Resolution> resolution;
    std::exception_ptr error;
    std::vector<Step> steps_before_error;
};

/// resolve_all() that goes on after a failing request, so that every failure can be
/// reported; never throws for one request's failure.
std::vector<Attempt> try_resolve_all(const std::vector<TargetRequest>& requests, const Root& root);

} // namespace ncs
