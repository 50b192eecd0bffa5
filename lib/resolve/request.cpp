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
    Resolution result;
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
