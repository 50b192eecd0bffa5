#include "ops/resolve.hpp"

#include "model/errors.hpp"
#include "model/kernel_facts.hpp"

#include <fmt/format.h>

namespace ncs::ops {

std::string request_label(const std::vector<TargetRequest>& requests, std::size_t index) {
    if (requests.size() < 2) {
        return {};
    }
    return fmt::format("target {} ({})", index + 1, requests[index].to);
}

void refuse_same_destination(const std::vector<Resolution>& resolutions,
                             const std::vector<TargetRequest>& requests) {
    for (std::size_t i = 0; i < resolutions.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto& a = resolutions[j].target;
            const auto& b = resolutions[i].target;
            if (a.remote_ip.without_zone() == b.remote_ip.without_zone() &&
                a.remote_port == b.remote_port) {
                throw InputError(
                    fmt::format("{} and {} are the same target: {} port {}",
                                request_label(requests, j), request_label(requests, i),
                                b.remote_ip, b.remote_port),
                    fmt::format("give each {} once, or another {}", mention(Field::destination),
                                mention(Field::remote_port)));
            }
        }
    }
}

void drop_version_warnings(Attempts& attempts, std::string_view release) {
    if (!parse_kernel_version(release)) {
        return;
    }
    for (auto& attempt : attempts.attempts) {
        if (attempt.resolution) {
            auto& warnings = attempt.resolution->warnings;
            std::erase_if(warnings, [](const Warning& w) {
                return w.kind == Warning::Kind::needs_newer_kernel; // by kind, never by text
            });
            // What the known kernel may lack and the plan does not refuse.
            if (auto mac = device_by_mac_on(attempt.resolution->target, release)) {
                warnings.push_back(std::move(*mac));
            }
        }
    }
}

std::vector<Target> targets_of(const Attempts& attempts) {
    std::vector<Target> targets;
    for (const auto& attempt : attempts.attempts) {
        targets.push_back(attempt.resolution->target);
    }
    return targets;
}

Attempts resolve_requests(const std::vector<TargetRequest>& requests, const Root& root) {
    Attempts result;
    result.attempts = try_resolve_all(requests, root);
    for (std::size_t i = 0; i < result.attempts.size(); ++i) {
        if (result.attempts[i].error) {
            result.failures.push_back({request_label(requests, i), result.attempts[i].error});
        }
    }
    if (result.failures.empty()) {
        std::vector<Resolution> resolutions;
        for (const auto& attempt : result.attempts) {
            resolutions.push_back(*attempt.resolution);
        }
        refuse_same_destination(resolutions, requests);
    }
    return result;
}

} // namespace ncs::ops
