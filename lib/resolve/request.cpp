#include "resolve/request.hpp"

namespace ncs {

Resolution resolve_explicit(const TargetRequest& request) {
    const auto remote = IpAddress::try_parse(request.to);
    if (!remote) {
        throw InputError(fmt::format("'{}' is not an IP address", request.to));
    }
    if (!request.dev) {
        throw InputError("--dev is needed when the route is not resolved");
    }
    if (!request.src) {
        throw InputError("--src is needed when the route is not resolved");
    }
    if (!request.mac && !request.broadcast) {
        throw InputError("--mac or --broadcast is needed when the next hop is not resolved");
    }
    if (!remote->zone().empty() && remote->zone() != *request.dev) {
        throw InputError(fmt::format("--to {} names interface {} but --dev is {}",
                                     remote->to_string_with_zone(), remote->zone(), *request.dev),
                         "give the interface once");
    }
    Resolution result;
    result.steps.push_back({"every field given (--dev, --src, --mac or --broadcast): "
                            "nothing looked up",
                            {}});
    Target& t = result.target;
    t.extended = request.extended;
    t.release = request.release;
    t.device = *request.dev;
    t.local_ip = request.src->without_zone();
    t.local_port = request.local_port;
    t.remote_ip = remote->without_zone();
    t.remote_port = request.remote_port;
    t.remote_mac = request.mac.value_or(MacAddress::broadcast());
    validate(t);
    result.warnings = check(t);
    return result;
}

} // namespace ncs
