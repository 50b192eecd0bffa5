// Resolution of a TargetRequest the way the kernel would route:
// host name -> address -> route (RTM_GETROUTE) -> interface facts
// (RTM_GETLINK) -> next hop's MAC (RTM_GETNEIGH / NTF_USE).

#include "resolve/resolver.hpp"

#include "system/host_name.hpp"
#include "resolve/neighbour.hpp"
#include "system/netlink.hpp"
#include "system/sysfs_net.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <optional>
#include <string>
#include <variant>

#include <fmt/format.h>

namespace ncs {

namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned k_arphrd_ether = 1;   // ARPHRD_ETHER, Wi-Fi included
constexpr std::uint32_t k_main_table = 254; // RT_TABLE_MAIN, which `ip` does not print

std::chrono::microseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

class Resolver {
public:
    Resolver(Netlink& netlink, const Root& root, const TargetRequest& request)
        : m_netlink(netlink), m_root(root), m_request(request) {}

    /// The steps completed so far (all of them until run() returns).
    const std::vector<Step>& steps() const { return m_result.steps; }

    /// The one-shot resolution: begin(), the neighbour wait on Netlink's own events,
    /// end().
    Resolution run() {
        if (const auto name = prepare()) {
            const auto start = Clock::now();
            named(lookup_host(*name), start);
        }
        if (!begin(NeighbourEvents::subscribe)) {
            m_neighbour->wait();
        }
        return end();
    }

    /// The checks that need nothing from the system; the host name --to gives when it
    /// must be looked up (then named() before begin()), nullopt when --to is an address.
    std::optional<std::string> prepare() {
        refuse_mac_with_broadcast(m_request);
        m_remote = literal_address();
        if (m_remote) {
            return std::nullopt;
        }
        return m_request.to;
    }

    /// --to's host name looked up (since start): the address chosen among addresses.
    void named(const std::vector<IpAddress>& addresses, Clock::time_point start) {
        m_remote = chosen_address(addresses, start);
    }

    /// Everything before the next hop's MAC, and the start of its wait (after
    /// prepare(), and named() when it gave a name). True when the MAC is known; false
    /// while neighbour() waits.
    bool begin(NeighbourEvents events) {
        const IpAddress remote = *m_remote;
        check_target_address(remote);
        int oif = requested_interface(remote);
        if (remote.is_v6() && remote.is_link_local() && oif == 0) {
            throw_link_local_needs_interface(remote);
        }
        if (m_request.src) {
            require_one_family(*m_request.src, remote);
        }

        const Route route = lookup_route(remote, oif);
        const Link link = output_link(route);
        check_link(link);
        if (m_request.src) {
            check_source(m_request.src->without_zone(), remote, route, link);
        }

        m_result.next_hop =
            route.gateway ? route.gateway->without_zone() : remote.without_zone();
        m_result.ifindex = link.ifindex;
        Target& t = m_result.target;
        t.extended = m_request.extended;
        t.release = m_request.release;
        t.device = link.name;
        if (const auto* mac = m_request.dev ? std::get_if<MacAddress>(&*m_request.dev) : nullptr) {
            // The route was asked through the interface with the MAC (oif), so it leaves by it.
            t.device = *mac;
        }
        t.local_port = m_request.local_port;
        t.remote_port = m_request.remote_port;
        t.remote_ip = remote.without_zone();
        if (m_request.src) {
            t.local_ip = m_request.src->without_zone();
        } else if (route.prefsrc) {
            t.local_ip = route.prefsrc->without_zone();
        } else {
            m_result.warnings.push_back(
                {fmt::format("the route to {} names no source address", remote),
                 fmt::format("the kernel will take the first address of {}; give {} to choose",
                             link.name, mention(Field::local_address))});
        }
        if (auto mac = given_mac(remote, route, link)) {
            t.remote_mac = *mac;
            return true;
        }
        m_neighbour.emplace(m_netlink,
                            NextHop{*m_result.next_hop, link.ifindex, link.name, link.is_up(),
                                    link.has_carrier()},
                            m_request.timeout, m_request.unconfirmed_mac, events, m_result.steps,
                            m_result.warnings);
        m_neighbour->start();
        return m_neighbour->done();
    }

    /// The wait for the next hop's MAC, when begin() started one.
    NeighbourWait* neighbour() { return m_neighbour ? &*m_neighbour : nullptr; }

    /// The target, once the MAC is known: checked, with its warnings.
    Resolution end() {
        Target& t = m_result.target;
        if (m_neighbour) {
            t.remote_mac = m_neighbour->mac();
            m_result.neighbour_state = m_neighbour->state();
        }
        validate(t);
        auto checks = check(t);
        m_result.warnings.insert(m_result.warnings.end(), checks.begin(), checks.end());
        return std::move(m_result);
    }

private:
    void step(std::string text, Clock::time_point start) {
        m_result.steps.push_back({std::move(text), since(start)});
    }

    /// --to as an address, or nullopt when it is a host name to look up.
    std::optional<IpAddress> literal_address() {
        if (m_request.to.empty()) {
            throw FieldError(Field::destination, "is empty",
                             "give the receiver's IP address or host name");
        }
        if (auto literal = IpAddress::try_parse(m_request.to)) {
            if (m_request.family && literal->family() != *m_request.family) {
                throw FieldError(Field::destination,
                                 fmt::format("{} is an {} address, but {} was asked for",
                                             m_request.to, literal->family(), *m_request.family));
            }
            return *literal;
        }
        if (IpAddress::looks_numeric(m_request.to) ||
            m_request.to.find_first_of(":/ ") != std::string::npos) {
            // Meant as an address, so the address parser says what is wrong;
            // getaddrinfo would read "192.0.2.010" as .8 and "10.1" as 10.0.0.1.
            try {
                return IpAddress::parse(m_request.to);
            } catch (const InputError& e) {
                throw FieldError(Field::destination, e.text(), e.hint());
            }
        }
        if (const auto legacy = IpAddress::parse_legacy_ipv4(m_request.to)) {
            throw FieldError(Field::destination,
                             fmt::format("'{}' is an address in a legacy numeric form, which "
                                         "getaddrinfo reads as {}; the kernel reads only a.b.c.d",
                                         m_request.to, *legacy),
                             fmt::format("write {} {}", mention(Field::destination), *legacy));
        }
        return std::nullopt;
    }

    /// The address of --to's host name to use among addresses (lookup_host()'s, looked
    /// up since start): the first of the family asked for; its step and warnings.
    IpAddress chosen_address(const std::vector<IpAddress>& addresses, Clock::time_point start) {
        auto chosen = addresses.begin();
        if (m_request.family) {
            chosen = std::find_if(addresses.begin(), addresses.end(), [&](const IpAddress& a) {
                return a.family() == *m_request.family;
            });
            if (chosen == addresses.end()) {
                throw FieldError(Field::destination,
                                 fmt::format("host name {} has no {} address", m_request.to,
                                             *m_request.family),
                                 fmt::format("drop {}", mention(m_request.family == IpFamily::v4
                                                                    ? Field::ipv4
                                                                    : Field::ipv6)));
            }
        }
        std::vector<std::string> all;
        for (const auto& a : addresses) {
            all.push_back(a.to_string());
        }
        step(fmt::format("host {}: {}; using {}", m_request.to, fmt::join(all, " "), *chosen),
             start);
        // Only the family asked for counts: -4 never chooses among IPv6 addresses.
        const auto choices = m_request.family
                                 ? std::count_if(addresses.begin(), addresses.end(),
                                                 [&](const IpAddress& a) {
                                                     return a.family() == *m_request.family;
                                                 })
                                 : static_cast<std::ptrdiff_t>(addresses.size());
        if (choices > 1) {
            m_result.warnings.push_back(
                {m_request.family ? fmt::format("{} has {} {} addresses; using {}", m_request.to,
                                                choices, *m_request.family, *chosen)
                                  : fmt::format("{} has {} addresses; using {}", m_request.to,
                                                choices, *chosen),
                 m_request.family ? std::string()
                                  : fmt::format("give {} or {}, or the address itself, to choose",
                                                mention(Field::ipv4), mention(Field::ipv6))});
        }
        return *chosen;
    }

    /// The interface index from --dev and/or the %zone, or 0.
    int requested_interface(const IpAddress& remote) {
        std::optional<Link> from_zone;
        if (!remote.zone().empty()) {
            from_zone =
                interface_named(remote.zone(), Field::destination,
                                fmt::format("the zone of {}", remote.to_string_with_zone()));
        }
        if (m_request.dev) {
            const auto* mac = std::get_if<MacAddress>(&*m_request.dev);
            auto dev = mac != nullptr
                           ? interface_with_mac(*mac)
                           : interface_named(std::get<std::string>(*m_request.dev), Field::device, {});
            if (from_zone && from_zone->ifindex != dev->ifindex) {
                throw FieldError(Field::destination,
                                 fmt::format("{} names interface {} but {} is {}",
                                             remote.to_string_with_zone(), from_zone->name,
                                             mention(Field::device), dev->name),
                                 "give the interface once");
            }
            return dev->ifindex;
        }
        return from_zone ? from_zone->ifindex : 0;
    }

    /// The interface that name (a name or an ifindex) names; a FieldError of field when
    /// there is none (whose: "the zone of fe80::1%eth9", or empty when name is the field's).
    std::optional<Link> interface_named(const std::string& name, Field field,
                                        std::string_view whose) {
        std::optional<Link> link;
        int index = 0;
        const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
        if (ec == std::errc() && end == name.data() + name.size() && index > 0) {
            link = m_netlink.get_link(index);
        } else {
            link = m_netlink.get_link(name);
        }
        if (!link) {
            throw FieldError(field,
                             whose.empty() ? fmt::format("no interface '{}' here", name)
                                           : fmt::format("{}: no interface '{}' here", whose, name),
                             fmt::format("the interfaces here: {}", interface_names()));
        }
        return link;
    }

    /// The interface the kernel binds a MAC to (dev_getbyhwaddr(): the Ethernet device
    /// with that address); a FieldError when none has it, or several do (a bond and its
    /// slaves, VLANs and their parent): the kernel takes the first registered, which may
    /// be a slave it refuses, and the name would not say which one was meant.
    Link interface_with_mac(const MacAddress& mac) {
        const auto start = Clock::now();
        std::vector<Link> found;
        std::vector<std::string> here;
        for (auto& link : m_netlink.links()) {
            if (link.arptype != k_arphrd_ether || !link.mac) {
                continue;
            }
            here.push_back(fmt::format("{} {}", link.name, *link.mac));
            if (*link.mac == mac) {
                found.push_back(std::move(link));
            }
        }
        if (found.empty()) {
            throw FieldError(Field::device, fmt::format("no interface here has the MAC {}", mac),
                             here.empty() ? std::string("no Ethernet interface here")
                                          : fmt::format("the Ethernet interfaces here: {}",
                                                        fmt::join(here, ", ")));
        }
        if (found.size() > 1) {
            std::vector<std::string> names;
            for (const auto& link : found) {
                names.push_back(link.name);
            }
            throw FieldError(Field::device,
                             fmt::format("the MAC {} is the address of {} interfaces: {}", mac,
                                         found.size(), fmt::join(names, ", ")),
                             fmt::format("the kernel binds to the first it registered, which may "
                                         "be a slave it refuses; give {} the interface's name",
                                         mention(Field::device)));
        }
        step(fmt::format("dev {}: {}", mac, found.front().name), start);
        return found.front();
    }

    std::string interface_names() {
        std::vector<std::string> names;
        for (const auto& l : m_netlink.links()) {
            names.push_back(l.name);
        }
        return fmt::format("{}", fmt::join(names, ", "));
    }

    [[noreturn]] void throw_link_local_needs_interface(const IpAddress& remote) {
        // rt6_score_route matches every fe80::/64 route when no oif is given, so
        // the kernel's answer would name an arbitrary interface.
        std::vector<std::string> candidates;
        const auto addresses = m_netlink.addresses(IpFamily::v6);
        for (const auto& link : m_netlink.links()) {
            const bool has_link_local =
                std::any_of(addresses.begin(), addresses.end(), [&](const LinkAddress& a) {
                    return a.ifindex == link.ifindex && a.address.is_link_local();
                });
            if (link.is_up() && !link.is_loopback() && has_link_local) {
                candidates.push_back(link.name);
            }
        }
        const std::string bare = remote.to_string();
        if (candidates.empty()) {
            throw InputError(fmt::format("{} is link-local and needs an interface, but no interface "
                                         "here is up with an IPv6 link-local address",
                                         bare),
                             fmt::format("give {} {}%IF or {} IF", mention(Field::destination),
                                         bare, mention(Field::device)));
        }
        throw InputError(
            fmt::format("{} is link-local and needs an interface; candidates: {}", bare,
                        fmt::join(candidates, ", ")),
            fmt::format("give {} {}%{} or {} {}", mention(Field::destination), bare,
                        candidates.front(), mention(Field::device), candidates.front()));
    }

    Route lookup_route(const IpAddress& remote, int oif) {
        const auto start = Clock::now();
        // Asked as netconsole's own packets will be routed: UDP from the local
        // to the remote port, so policy rules on the flow are honoured.
        RouteQuery query{remote.without_zone(), oif, std::nullopt, m_request.local_port,
                         m_request.remote_port};
        if (m_request.src) {
            query.source = m_request.src->without_zone();
        }
        Route route;
        try {
            route = m_netlink.get_route(query);
        } catch (const NetlinkError& e) {
            if (query.source && e.kernel_errno() == ENETUNREACH) {
                route = route_without_source(query, e);
            } else {
                throw_route_error(remote, e, oif);
            }
        }
        std::string text = fmt::format("route {}", remote);
        if (route.type != RouteType::unicast) {
            text = fmt::format("route {} {}", to_string(route.type), remote);
        }
        if (route.gateway) {
            text += route.gateway->family() != remote.family()
                        ? fmt::format(" via inet6 {}", *route.gateway)
                        : fmt::format(" via {}", *route.gateway);
        }
        if (auto link = m_netlink.get_link(route.oif)) {
            m_link = link;
            text += fmt::format(" dev {}", link->name);
        }
        if (route.prefsrc) {
            text += fmt::format(" src {}", *route.prefsrc);
        } else if (query.source) {
            text += fmt::format(" src {}", *query.source);
        }
        if (route.table != 0 && route.table != k_main_table) {
            text += fmt::format(" table {}", route.table);
        }
        step(std::move(text), start);
        check_route_type(remote, route);
        return route;
    }

    /// IPv4 lookups with a source that is not configured here fail with
    /// ENETUNREACH. netpoll uses src-ip verbatim, so route without it and say so.
    Route route_without_source(RouteQuery query, const NetlinkError& original) {
        const IpAddress source = *query.source;
        query.source.reset();
        Route route;
        try {
            route = m_netlink.get_route(query);
        } catch (const NetlinkError&) {
            throw_route_error(query.destination, original, query.oif);
        }
        route.prefsrc.reset();
        warn_foreign_source(source, "; the route was looked up without it,");
        return route;
    }

    void warn_foreign_source(const IpAddress& source, std::string_view routed) {
        m_result.warnings.push_back(
            {fmt::format("{}: {} is not an address of this host{} and netconsole will send "
                         "from it anyway",
                         mention(Field::local_address), source, routed),
             "replies and firewalls may not expect that source"});
    }

    /// --src against this host's addresses and the route. IPv4 lookups already
    /// refuse a foreign source (route_without_source); IPv6 lookups take any
    /// source, so it is checked here, with its DAD state.
    void check_source(const IpAddress& source, const IpAddress& remote, const Route& route,
                      const Link& link) {
        if (source.is_link_local() && !remote.is_link_local()) {
            if (route.gateway) {
                // RFC 4291 2.5.6 / RFC 3927 2.6.2: routers never forward them.
                throw FieldError(
                    Field::local_address,
                    fmt::format("{} is link-local, and {} is reached via router {}: "
                                "routers do not forward packets from a link-local source",
                                source, remote, *route.gateway),
                    fmt::format("give a global address of {} as {}, or leave {} out", link.name,
                                mention(Field::local_address), mention(Field::local_address)));
            }
            m_result.warnings.push_back(
                {fmt::format("{}: {} is link-local but {} is not: only a doctor on the link "
                             "of {} will receive it",
                             mention(Field::local_address), source, remote, link.name),
                 fmt::format("give a global address of {} as {}", link.name,
                             mention(Field::local_address))});
        }
        if (!source.is_v6()) {
            return;
        }
        const auto addresses = m_netlink.addresses(IpFamily::v6);
        const auto found = std::find_if(addresses.begin(), addresses.end(),
                                        [&](const LinkAddress& a) { return a.address == source; });
        if (found == addresses.end()) {
            warn_foreign_source(source, ",");
            return;
        }
        if ((found->flags & k_ifa_dadfailed) != 0) {
            m_result.warnings.push_back(
                {fmt::format("{}: {} failed duplicate address detection (dadfailed): another "
                             "host on the link uses it",
                             mention(Field::local_address), source),
                 "give another address, or remove the duplicate and re-add it"});
        } else if ((found->flags & k_ifa_tentative) != 0) {
            m_result.warnings.push_back(
                {fmt::format("{}: {} is tentative (duplicate address detection is still "
                             "running)",
                             mention(Field::local_address), source),
                 "wait until `ip addr` shows it without 'tentative', then run this again"});
        }
    }

    [[noreturn]] static void throw_refused_route(const IpAddress& remote, std::string_view type) {
        throw OperationError(fmt::format("the route to {} is of type {}", remote, type),
                             "the routing table refuses this destination on purpose; check "
                             "`ip route get` and `ip route`");
    }

    /// The interfaces that may explain a missing route: the one asked for
    /// (oif), or every non-loopback one that is down or has no carrier (an
    /// interface going down takes its routes with it).
    std::vector<Link> links_without_link(int oif) {
        std::vector<Link> result;
        for (const auto& link : m_netlink.links()) {
            if ((oif == 0 || link.ifindex == oif) && !link.is_loopback() &&
                (!link.is_up() || !link.has_carrier())) {
                result.push_back(link);
            }
        }
        return result;
    }

    /// The first rule of type unreachable that refuses remote: ENETUNREACH, the errno
    /// of no route at all. certain: it has no selector but `to` (which covers remote).
    std::optional<std::pair<RoutingRule, bool>> unreachable_rule(const IpAddress& remote) {
        for (const auto& rule : m_netlink.rules(remote.family())) {
            if (rule.action == k_rule_unreachable &&
                (!rule.destination ||
                 prefix_covers(*rule.destination, rule.destination_prefix, remote))) {
                return std::pair{rule, !rule.other_selectors};
            }
        }
        return std::nullopt;
    }

    [[noreturn]] void throw_no_route(const IpAddress& remote, int oif) {
        if (const auto found = unreachable_rule(remote)) {
            const auto& [rule, certain] = *found;
            const std::string to =
                rule.destination ? fmt::format(" to {}/{}", *rule.destination,
                                               rule.destination_prefix)
                                 : std::string();
            throw OperationError(
                certain ? fmt::format("the routing rules refuse {}: rule {}{} is of type "
                                      "unreachable",
                                      remote, rule.priority, to)
                        : fmt::format("no route to {}; rule {}{}, of type unreachable, may "
                                      "refuse it",
                                      remote, rule.priority, to),
                "the routing rules refuse this destination on purpose; check `ip rule` and "
                "`ip route get`");
        }
        const auto links = links_without_link(oif);
        if (links.empty()) {
            throw OperationError(fmt::format("no route to {}", remote),
                                 fmt::format("add a route (or a default route), or give {}",
                                             mention(Field::device)));
        }
        std::vector<std::string> states;
        for (const auto& link : links) {
            states.push_back(fmt::format("{} is {}", link.name,
                                         link.is_up() ? "up but has no carrier" : "down"));
        }
        const Link& first = links.front();
        throw OperationError(
            fmt::format("no route to {}: {}", remote, fmt::join(states, ", ")),
            first.is_up() ? fmt::format("connect {} (cable, peer), or add a route", first.name)
                          : fmt::format("bring it up: ip link set {} up", first.name));
    }

    [[noreturn]] void throw_route_error(const IpAddress& remote, const NetlinkError& e,
                                        int oif) {
        // Kernel quirk: unreachable, prohibit and blackhole routes are not
        // answered with their rtm_type but with the errno a sender would get.
        switch (e.kernel_errno()) {
        case ENETUNREACH:
            throw_no_route(remote, oif);
        case EHOSTUNREACH: throw_refused_route(remote, "unreachable");
        case EACCES: throw_refused_route(remote, "prohibit");
        case EINVAL: throw_refused_route(remote, "blackhole");
        case ENODEV:
            throw InputError(fmt::format("no route to {}: the interface is gone", remote));
        default:
            throw OperationError(fmt::format("route lookup for {} failed: {}", remote, e.what()));
        }
    }

    static void check_route_type(const IpAddress& remote, const Route& route) {
        switch (route.type) {
        case RouteType::unicast:
            return;
        case RouteType::local:
            throw InputError(
                fmt::format("{} is an address of this host (route type local)", remote),
                "give the address of the receiving host, not of this one");
        case RouteType::broadcast:
        case RouteType::multicast:
        case RouteType::anycast:
            throw InputError(fmt::format("the route to {} is of type {}; netconsole needs a "
                                         "unicast receiver",
                                         remote, to_string(route.type)),
                             "give the receiver's unicast address");
        case RouteType::other:
            break;
        }
        throw OperationError(fmt::format("the route to {} is of an unusable type", remote));
    }

    Link output_link(const Route& route) {
        if (m_link && m_link->ifindex == route.oif) {
            return *m_link;
        }
        auto link = m_netlink.get_link(route.oif);
        if (!link) {
            throw OperationError(
                fmt::format("the route names interface index {}, which is gone", route.oif));
        }
        return *link;
    }

    void check_link(const Link& link) {
        const auto start = Clock::now();
        std::string text = fmt::format("link {}:", link.name);
        if (link.mac) {
            text += fmt::format(" ether {}", *link.mac);
        }
        text += link.is_up() ? " UP" : " DOWN";
        text += link.has_carrier() ? " LOWER_UP" : " NO-CARRIER";
        if (!link.kind.empty()) {
            text += fmt::format(" kind {}", link.kind);
        }
        if (link.master != 0) {
            text += fmt::format(" master {}", link.master);
        }
        step(std::move(text), start);

        if (link.is_loopback()) {
            throw OperationError(
                fmt::format("the route uses the loopback interface {}; netconsole cannot send "
                            "through it",
                            link.name),
                fmt::format("give the receiver's address on the network, or {} for the real "
                            "interface",
                            mention(Field::device)));
        }
        if (link.master != 0) {
            const auto master = m_netlink.get_link(link.master);
            const std::string master_name =
                master ? master->name : fmt::format("ifindex {}", link.master);
            std::string kind = !link.slave_kind.empty() ? link.slave_kind
                               : master               ? master->kind
                                                      : std::string();
            const std::string role = kind == "bridge" ? "a port of bridge"
                                     : kind.empty()   ? "enslaved to"
                                                      : fmt::format("a slave of {}", kind);
            throw OperationError(
                fmt::format("{} is {} {}; the kernel refuses enslaved devices "
                            "(\"is a slave device, aborting\")",
                            link.name, role, master_name),
                fmt::format("use the {} itself: {} {}", kind.empty() ? "master" : kind,
                            mention(Field::device), master_name));
        }
        if (link.arptype != k_arphrd_ether || !link.mac) {
            throw OperationError(
                fmt::format("{} is not an Ethernet device (link type {}{}); netconsole builds "
                            "Ethernet frames, so no MAC can reach the receiver through it",
                            link.name, link.arptype,
                            link.kind.empty() ? "" : fmt::format(", kind {}", link.kind)),
                fmt::format("route the receiver through an Ethernet interface, or give {}",
                            mention(Field::device)));
        }
        if (link.is_point_to_point()) {
            throw OperationError(
                fmt::format("{} is a point-to-point device; netconsole needs Ethernet with a "
                            "next-hop MAC",
                            link.name),
                fmt::format("route the receiver through an Ethernet interface, or give {}",
                            mention(Field::device)));
        }
        if (link.is_noarp()) {
            throw OperationError(
                fmt::format("{} does not resolve neighbours (NOARP); there is no next-hop MAC",
                            link.name),
                fmt::format("route the receiver through an Ethernet interface, or give {}",
                            mention(Field::device)));
        }
        if (!link.is_up()) {
            m_result.warnings.push_back(
                {fmt::format("{} is down", link.name),
                 "netpoll brings it up, but nothing will arrive until it has a link"});
        } else if (!link.has_carrier()) {
            m_result.warnings.push_back(
                {fmt::format("{} has no carrier", link.name),
                 "netpoll waits a few seconds for it; nothing arrives without a link"});
        }
        if (is_wireless_interface(m_root, link.name, link.ifindex)) {
            m_result.warnings.push_back(
                {fmt::format("{} is a Wi-Fi interface; netconsole is not reliable over wireless",
                             link.name),
                 "use a wired interface if you can"});
        }
        if (link.kind == "veth" || link.kind == "netkit") {
            m_result.warnings.push_back(
                {fmt::format("{} is a {} device, which Linux {} refuses for netconsole "
                             "(IFF_DISABLE_NETPOLL; 6.1 still took it)",
                             link.name, link.kind, to_string(added_in::veth_refused)),
                 "this line only works on a physical, bond, bridge or VLAN device"});
        }
    }

    /// The MAC the request gives (--broadcast, --mac); nullopt when the neighbour
    /// table must be asked.
    std::optional<MacAddress> given_mac(const IpAddress& remote, const Route& route,
                                        const Link& link) {
        const auto start = Clock::now();
        if (m_request.broadcast) {
            if (route.gateway) {
                throw FieldError(
                    Field::broadcast,
                    fmt::format("{} is not on the link of {} but routed via {}; "
                                "routers drop frames sent to the broadcast MAC, so nothing "
                                "would arrive",
                                remote, link.name, *route.gateway),
                    fmt::format("drop {} to send to the router's MAC", mention(Field::broadcast)));
            }
            step(fmt::format("mac ff:ff:ff:ff:ff:ff ({}), {} is on-link on {}",
                             mention(Field::broadcast), remote, link.name),
                 start);
            return MacAddress::broadcast();
        }
        const IpAddress next_hop = *m_result.next_hop;
        if (m_request.mac) {
            step(fmt::format("mac {} ({}), neighbour {} not consulted", *m_request.mac,
                             mention(Field::remote_mac), next_hop),
                 start);
            return *m_request.mac;
        }
        return std::nullopt;
    }

    Netlink& m_netlink;
    const Root& m_root;
    const TargetRequest& m_request;
    Resolution m_result;
    std::optional<Link> m_link;
    std::optional<IpAddress> m_remote; ///< --to's address, once known
    std::optional<NeighbourWait> m_neighbour;
};

bool is_fully_explicit(const TargetRequest& request) {
    return request.dev && request.src && (request.mac || request.broadcast) &&
           IpAddress::try_parse(request.to).has_value();
}

} // namespace

Resolution resolve(const TargetRequest& request) {
    auto results = resolve_all({request});
    return std::move(results.front());
}

std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests) {
    return resolve_all(requests, Root("/"));
}

std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests, const Root& root) {
    std::vector<Resolution> results;
    for (auto& attempt : try_resolve_all(requests, root)) {
        if (attempt.error) {
            std::rethrow_exception(attempt.error);
        }
        results.push_back(std::move(*attempt.resolution));
    }
    return results;
}

std::vector<Attempt> try_resolve_all(const std::vector<TargetRequest>& requests, const Root& root) {
    std::vector<Attempt> attempts;
    std::optional<Netlink> netlink; // opened only when a request needs resolving
    for (const auto& request : requests) {
        Attempt& attempt = attempts.emplace_back();
        std::optional<Resolver> resolver;
        try {
            if (is_fully_explicit(request)) {
                // Every field given: the line may well be for another host, so this
                // host's routes and interfaces have no say.
                attempt.resolution = resolve_explicit(request);
                continue;
            }
            if (!netlink) {
                netlink.emplace();
            }
            resolver.emplace(*netlink, root, request);
            attempt.resolution = resolver->run();
        } catch (...) {
            attempt.error = std::current_exception();
            if (resolver) {
                attempt.steps_before_error = resolver->steps();
            }
        }
    }
    return attempts;
}

struct PendingResolution::State {
    State(Netlink& netlink, HostLookups& lookups_in, const Root& root, TargetRequest request_in)
        : lookups(lookups_in), request(std::move(request_in)), resolver(netlink, root, request) {}
    HostLookups& lookups;
    TargetRequest request;
    Resolver resolver;
    std::optional<HostLookups::Id> lookup; ///< the host name's lookup in flight
    Clock::time_point lookup_start;
    std::optional<Resolution> result;

    /// The rest after --to's address is known: up to the MAC.
    void begin() {
        if (resolver.begin(NeighbourEvents::subscribed)) {
            result = resolver.end();
        }
    }
};

PendingResolution::PendingResolution(Netlink& netlink, HostLookups& lookups, const Root& root,
                                     const TargetRequest& request)
    : m_state(std::make_unique<State>(netlink, lookups, root, request)) {}

PendingResolution::~PendingResolution() {
    if (m_state->lookup) {
        m_state->lookups.cancel(*m_state->lookup); // superseded: its late answer is dropped
    }
}

void PendingResolution::start() {
    if (is_fully_explicit(m_state->request)) {
        m_state->result = resolve_explicit(m_state->request);
    } else if (const auto name = m_state->resolver.prepare()) {
        m_state->lookup_start = Clock::now();
        m_state->lookup = m_state->lookups.start(*name);
    } else {
        m_state->begin();
    }
}

std::optional<HostLookups::Id> PendingResolution::lookup() const noexcept {
    return m_state->lookup;
}

void PendingResolution::on_lookup(const HostLookups::Completion& completion) {
    if (!m_state->lookup || *m_state->lookup != completion.id) {
        return;
    }
    m_state->lookup.reset();
    if (completion.error) {
        std::rethrow_exception(completion.error);
    }
    m_state->resolver.named(completion.addresses, m_state->lookup_start);
    m_state->begin();
}

bool PendingResolution::done() const noexcept { return m_state->result.has_value(); }

const NeighbourWait* PendingResolution::neighbour() const {
    return done() ? nullptr : m_state->resolver.neighbour();
}

template <typename Action>
void PendingResolution::drive(Action step) {
    auto* wait = done() ? nullptr : m_state->resolver.neighbour();
    if (wait == nullptr) {
        return;
    }
    step(*wait);
    if (wait->done()) {
        m_state->result = m_state->resolver.end();
    }
}

void PendingResolution::on_neighbour(const Neighbour& entry) {
    drive([&](NeighbourWait& w) { w.on_neighbour(entry); });
}

void PendingResolution::on_overrun() {
    drive([](NeighbourWait& w) { w.on_overrun(); });
}

void PendingResolution::on_timer() {
    drive([](NeighbourWait& w) { w.on_timer(); });
}

Resolution PendingResolution::take() { return std::move(*m_state->result); }

} // namespace ncs
