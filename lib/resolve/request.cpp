#include "resolve/request.hpp"

#include <algorithm>

namespace ncs {

void refuse_mac_with_broadcast(const TargetRequest& request) {
    if (request.mac && request.broadcast) {
        throw InputError(fmt::format("{} and {} exclude each other", mention(Field::remote_mac),
                                     mention(Field::broadcast)),
                         fmt::format("{} means {} ff:ff:ff:ff:ff:ff", mention(Field::broadcast),
                                     mention(Field::remote_mac)));
    }
}

void check_target_address(const IpAddress& remote) {
    if (remote.is_unspecified()) {
        throw FieldError(Field::destination,
                         fmt::format("{} is the unspecified address, no receiver", remote));
    }
    if (remote.is_loopback()) {
        throw FieldError(Field::destination,
                         fmt::format("{} is a loopback address; netconsole cannot send to it",
                                     remote),
                         "give the address of the receiving host on the network");
    }
    if (remote.is_multicast() || remote.is_limited_broadcast()) {
        throw FieldError(Field::destination,
                         fmt::format("{} is a {} address; netconsole needs one receiver",
                                     remote, remote.is_multicast() ? "multicast" : "broadcast"),
                         "give the receiver's unicast address");
    }
    if (remote.is_v4_mapped()) {
        // An IPv6 target sends IPv6 packets; nothing on the wire would reach
        // the IPv4 host this names.
        throw FieldError(Field::destination,
                         fmt::format("{} is an IPv4-mapped IPv6 address, which netconsole "
                                     "would send as IPv6",
                                     remote),
                         fmt::format("write the IPv4 address: {} {}", mention(Field::destination),
                                     remote.mapped_v4()));
    }
    if (remote.is_v6()) {
        const auto b = remote.bytes();
        if (std::all_of(b.begin(), b.begin() + 12, [](auto x) { return x == 0; })) {
            // ::a.b.c.d (RFC 4291 deprecated it); :: and ::1 were refused above.
            const auto v4 = fmt::format("{}.{}.{}.{}", b[12], b[13], b[14], b[15]);
            throw FieldError(Field::destination,
                             fmt::format("::{} is an IPv4-compatible IPv6 address, which "
                                         "netconsole would send as IPv6",
                                         v4),
                             fmt::format("write the IPv4 address: {} {}",
                                         mention(Field::destination), v4));
        }
    }
    if (!remote.zone().empty() && !remote.is_link_local()) {
        // A zone chooses the link of a link-local address; anywhere else it would be
        // dropped without a word.
        throw FieldError(Field::destination,
                         fmt::format("{} has a zone (%{}), which is only for a link-local "
                                     "address (fe80::/10)",
                                     remote.to_string_with_zone(), remote.zone()),
                         fmt::format("write {} {}, and {} {} to choose the interface",
                                     mention(Field::destination), remote,
                                     mention(Field::device), remote.zone()));
    }
}

Resolution resolve_explicit(const TargetRequest& request) {
    const auto remote = IpAddress::try_parse(request.to);
    if (!remote) {
        throw FieldError(Field::destination, fmt::format("'{}' is not an IP address", request.to));
    }
    check_target_address(*remote);
    if (!request.dev) {
        throw FieldError(Field::device, "required when the route is not resolved");
    }
    if (!request.src) {
        throw FieldError(Field::local_address, "required when the route is not resolved");
    }
    if (!request.mac && !request.broadcast) {
        throw InputError(fmt::format("{} or {} is needed when the next hop is not resolved",
                                     mention(Field::remote_mac), mention(Field::broadcast)));
    }
    if (!remote->zone().empty() && *request.dev != Device(remote->zone())) {
        // Nothing is looked up here, so a MAC cannot be matched with the zone's name.
        throw FieldError(Field::destination,
                         fmt::format("{} names interface {} but {} is {}",
                                     remote->to_string_with_zone(), remote->zone(),
                                     mention(Field::device), describe(*request.dev)),
                         "give the interface once");
    }
    Resolution result;
    result.steps.push_back({fmt::format("every field given ({}, {}, {} or {}): nothing looked up",
                                        mention(Field::device), mention(Field::local_address),
                                        mention(Field::remote_mac), mention(Field::broadcast)),
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
