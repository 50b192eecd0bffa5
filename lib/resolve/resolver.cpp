#include "resolve/resolver.hpp"

namespace ncs {

// Placeholder until netlink resolution lands (issue 3): explicit fields only.
Resolution resolve(const TargetRequest& request) {
    return resolve_explicit(request);
}

std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests) {
    std::vector<Resolution> results;
    for (const auto& request : requests) {
        results.push_back(resolve(request));
    }
    return results;
}

} // namespace ncs
