#pragma once
// Resolution through netlink: route (RTM_GETROUTE), next hop, neighbour MAC
// (RTM_GETNEIGH, NTF_USE), interface facts (RTM_GETLINK).
// Spec: shared/reference/libnl-resolution.md.

#include "resolve/request.hpp"
#include "system/root.hpp"

#include <vector>

namespace ncs {

/// Resolves every missing field of request the way the kernel would route.
/// Throws InputError for bad requests, OperationError when resolution fails.
Resolution resolve(const TargetRequest& request);

/// Resolves several targets with one netlink session, in order.
std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests);

/// resolve_all() reading sysfs (Wi-Fi detection) under root instead of "/".
std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests, const Root& root);

} // namespace ncs
