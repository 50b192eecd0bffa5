#include "resolve/request.hpp"

#include <algorithm>

namespace ncs {

void refuse_mac_with_broadcast(const TargetRequest& request) {
    if (request.mac && request.broadcast) {
        throw InputError("--mac and --broadcast exclude each other",
                         "--broadcast means --mac ff:ff:ff:ff:ff:ff");
    }
}

void check_target_address(const IpAddress& remote) {
    if (remote.is_unspecified()) {
        throw InputError(fmt::format("--to {}: the unspecified address is no receiver", remote));
    }
    if (remote.is_loopback()) {
        throw InputError(fmt::format("--to {}: netconsole cannot send to loopback", remote),
                         "give the address of the receiving host on the network");
    }
    if (remote.is_multicast() || remote.is_limited_broadcast()) {
        throw InputError(fmt::format("--to {} is a {} address; netconsole needs one receiver",
                                     remote, remote.is_multicast() ? "multicast" : "broadcast"),
                         "give the receiver's unicast address");
    }
    if (remote.is_v4_mapped()) {
        // An IPv6 target sends IPv6 packets; nothing on the wire would reach
        // the IPv4 host this names.
        throw InputError(fmt::format("--to {} is an IPv4-mapped IPv6 address, which "
                                     "netconsole would send as IPv6",
                                     remote),
                         fmt::format("write the IPv4 address: --to {}", remote.mapped_v4()));
    }
    if (remote.is_v6()) {
        const auto b = remote.bytes();
        if (std::all_of(b.begin(), b.begin() + 12, [](auto x) { return x == 0; })) {
            // ::a.b.c.d (RFC 4291 deprecated it); :: and ::1 were refused above.
            const auto v4 = fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
            throw InputError(fmt::format("--to ::{} is an IPv4-compatible IPv6 address, which "
                                         "netconsole would send as IPv6",
                                         v4),
                             fmt::format("write the IPv4 address: --to {}", v4));
        }
    }
    if (!remote.zone().empty() && !remote.is_link_local()) {
        // A zone chooses the link of a link-local address; anywhere else it would be
        // dropped without a word.
        throw InputError(fmt::format("--to {}: a zone (%{}) is only for a link-local address "
                                     "(fe80::/10)",
                                     remote.to_string_with_zone(), remote.zone()),
                         fmt::format("write --to {}, and --dev {} to choose the interface",
                                     remote, remote.zone()));
    }
}

Resolution resolve_explicit(const TargetRequest& request) {
    const auto remote = IpAddress::try_parse(request.to);
    if (!remote) {
        throw InputError(fmt::format("'{}' is not an IP address", request.to));
    }
    check_target_address(*remote);
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
