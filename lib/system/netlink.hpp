#pragma once
// The rtnetlink seam: single requests for routes, neighbours, links and
// addresses, answered as plain structs. netlink.cpp is the only file that
// includes libnl; nothing outside it sees a libnl type.
// Spec: shared/reference/libnl-resolution.md.

#include "model/ip_address.hpp"
#include "model/mac_address.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace ncs {

/// A failed netlink request: libnl's text, and the kernel's errno and extended
/// ack message when the kernel answered with NLMSG_ERROR.
class NetlinkError : public std::system_error {
public:
    /// operation names the request ("RTM_GETROUTE 10.0.0.1"); kernel_errno is 0 when
    /// the failure was local (libnl, socket).
    NetlinkError(const std::string& operation, int kernel_errno, std::string nl_text,
                 std::string extack);
    /// The kernel's errno (ENETUNREACH, EPERM, ...), or 0.
    int kernel_errno() const noexcept { return m_kernel_errno; }
    /// The kernel's extended ack message, or empty.
    const std::string& extack() const noexcept { return m_extack; }

private:
    int m_kernel_errno;
    std::string m_extack;
};

/// rtm_type of a route answer.
enum class RouteType { unicast, local, broadcast, anycast, multicast, other };

/// "unicast", "local", ...
std::string_view to_string(RouteType type);

/// What RTM_GETROUTE answered for one destination (the path the kernel chose).
struct Route {
    RouteType type = RouteType::other;
    std::uint32_t table = 0;
    int oif = 0;                          ///< output interface index
    std::optional<IpAddress> gateway;     ///< RTA_GATEWAY or RTA_VIA (may be the other family)
    std::optional<IpAddress> prefsrc;     ///< RTA_PREFSRC
};

/// The question of RTM_GETROUTE: like `ip route get DST [oif DEV] [from SRC]
/// [ipproto udp sport S dport D]`.
struct RouteQuery {
    IpAddress destination;
    int oif = 0;                          ///< 0: any
    std::optional<IpAddress> source;
    /// The UDP flow (RTA_IP_PROTO, RTA_SPORT, RTA_DPORT; Linux 4.17+), so that
    /// policy rules on ipproto/sport/dport and an L4 multipath hash apply as
    /// for the real packets. 0: no ports, no protocol.
    std::uint16_t udp_source_port = 0;
    std::uint16_t udp_destination_port = 0;
};

// NUD_* states (include/uapi/linux/neighbour.h), spelled out so callers need no
// kernel headers. NUD_VALID is kernel-internal (include/net/neighbour.h).
inline constexpr std::uint16_t k_nud_incomplete = 0x01;
inline constexpr std::uint16_t k_nud_reachable = 0x02;
inline constexpr std::uint16_t k_nud_stale = 0x04;
inline constexpr std::uint16_t k_nud_delay = 0x08;
inline constexpr std::uint16_t k_nud_probe = 0x10;
inline constexpr std::uint16_t k_nud_failed = 0x20;
inline constexpr std::uint16_t k_nud_noarp = 0x40;
inline constexpr std::uint16_t k_nud_permanent = 0x80;
inline constexpr std::uint16_t k_nud_valid = k_nud_permanent | k_nud_noarp | k_nud_reachable |
                                             k_nud_probe | k_nud_stale | k_nud_delay;

/// "REACHABLE", "STALE|...", like `ip neigh`; "NONE" for 0.
std::string neighbour_state_name(std::uint16_t state);

/// One neighbour table entry.
struct Neighbour {
    int ifindex = 0;
    IpAddress destination;
    std::optional<MacAddress> lladdr; ///< present only in NUD_VALID states
    std::uint16_t state = 0;          ///< NUD_* bits
};

/// The interface facts resolution needs (RTM_GETLINK).
struct Link {
    int ifindex = 0;
    std::string name;
    unsigned flags = 0;          ///< IFF_* (IFF_UP, IFF_LOWER_UP, IFF_NOARP, ...)
    unsigned arptype = 0;        ///< ARPHRD_* (1 = Ethernet, Wi-Fi included)
    std::string kind;            ///< IFLA_INFO_KIND ("veth", "bridge", ...), empty for NICs
    int master = 0;              ///< ifindex of the bridge/bond this is enslaved to, or 0
    std::string slave_kind;      ///< IFLA_INFO_SLAVE_KIND ("bridge", "bond"), or empty
    std::optional<MacAddress> mac; ///< only for 6-byte hardware addresses

    bool is_up() const noexcept;
    bool has_carrier() const noexcept;
    bool is_loopback() const noexcept;
    bool is_noarp() const noexcept;
    bool is_point_to_point() const noexcept;
};

// IFA_F_* address flags (include/uapi/linux/if_addr.h).
inline constexpr unsigned k_ifa_dadfailed = 0x08;
inline constexpr unsigned k_ifa_tentative = 0x40;

/// One configured address (RTM_GETADDR).
struct LinkAddress {
    int ifindex = 0;
    IpAddress address;
    unsigned prefix_length = 0;
    unsigned flags = 0; ///< IFA_F_* (k_ifa_tentative, k_ifa_dadfailed, ...)
};

/// Pure: whether address lies in prefix/length (false across families).
bool prefix_covers(const IpAddress& prefix, unsigned length, const IpAddress& address);

/// FR_ACT_UNREACHABLE (include/uapi/linux/fib_rules.h): a rule that answers ENETUNREACH,
/// the errno of "no route".
inline constexpr std::uint8_t k_rule_unreachable = 7;

/// One policy routing rule (RTM_GETRULE), as far as resolution's messages need it.
struct RoutingRule {
    std::uint32_t priority = 0;
    std::uint8_t action = 0;                   ///< FR_ACT_* (k_rule_unreachable, ...)
    std::optional<IpAddress> destination;      ///< `to` PREFIX/destination_prefix; nullopt: all
    unsigned destination_prefix = 0;
    bool other_selectors = false;              ///< from, iif, oif, fwmark, tos, ports, uid, not
};

/// What the neighbour watch saw before its deadline.
struct NeighbourEvent {
    enum class Kind { update, overrun, timeout };
    Kind kind = Kind::timeout;
    Neighbour neighbour; ///< for update
};

/// One rtnetlink session in the caller's network namespace: a request socket,
/// and (after watch_neighbours()) a second socket subscribed to RTNLGRP_NEIGH.
/// Not thread-safe (libnl sockets are not).
class Netlink {
public:
    /// Opens and connects the request socket. Throws NetlinkError.
    Netlink();
    ~Netlink();
    Netlink(const Netlink&) = delete;
    Netlink& operator=(const Netlink&) = delete;

    /// RTM_GETROUTE for one destination. Throws NetlinkError; the kernel answers
    /// ENETUNREACH (no route), EHOSTUNREACH (unreachable), EACCES (prohibit),
    /// EINVAL (blackhole).
    Route get_route(const RouteQuery& query);

    /// The single entry (ifindex, destination) via RTM_GETNEIGH, or nullopt when
    /// there is none (ENOENT). Throws NetlinkError.
    std::optional<Neighbour> get_neighbour(int ifindex, const IpAddress& destination);

    /// Asks the kernel to resolve (ifindex, destination): RTM_NEWNEIGH with
    /// NTF_USE, NLM_F_CREATE and ndm_state 0. Never call it for a PERMANENT or
    /// NOARP entry (5.16+ demotes them). Needs CAP_NET_ADMIN: throws NetlinkError
    /// with EPERM otherwise.
    void trigger_resolution(int ifindex, const IpAddress& destination);

    /// Moves an existing STALE entry to PROBE, which sends a unicast probe at
    /// once. Needs CAP_NET_ADMIN. Throws NetlinkError (ENOENT if it vanished).
    void probe_now(int ifindex, const IpAddress& destination);

    /// Marks an existing entry FAILED (as `ip neigh change ADDR dev DEV nud
    /// failed`), so that the next trigger_resolution() solicits by broadcast
    /// (ARP) or multicast (NDP) instead of unicasting to the cached MAC. Never
    /// call it for a PERMANENT or NOARP entry. Needs CAP_NET_ADMIN. Throws
    /// NetlinkError (ENOENT if the entry vanished).
    void forget_neighbour(int ifindex, const IpAddress& destination);

    /// Subscribes the second socket to RTNLGRP_NEIGH (idempotent). Subscribe
    /// before triggering, then re-read the entry, so no answer is missed.
    void watch_neighbours();

    /// Waits until deadline for the next RTM_NEWNEIGH about (ifindex, destination)
    /// on the watch socket. overrun means events were lost (ENOBUFS): re-read.
    NeighbourEvent wait_neighbour(int ifindex, const IpAddress& destination,
                                  std::chrono::steady_clock::time_point deadline);

    /// The interface with this index, or nullopt. Throws NetlinkError.
    std::optional<Link> get_link(int ifindex);
    /// The interface with this name, or nullopt. Throws NetlinkError.
    std::optional<Link> get_link(const std::string& name);
    /// Every interface (RTM_GETLINK dump). Throws NetlinkError.
    std::vector<Link> links();
    /// Every address of a family (RTM_GETADDR dump). Throws NetlinkError.
    std::vector<LinkAddress> addresses(IpFamily family);
    /// Every policy routing rule of a family (RTM_GETRULE dump). Throws NetlinkError.
    std::vector<RoutingRule> rules(IpFamily family);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// --- Events (issue 13: watch) ------------------------------------------------------
// A socket subscribed to the rtnetlink groups that can change a target's route,
// source, device or next-hop MAC, read without blocking; each message becomes one
// plain NetworkEvent.

/// One rtnetlink notification, as a plain struct.
struct NetworkEvent {
    enum class Kind {
        link,      ///< RTM_NEWLINK/DELLINK: link
        address,   ///< RTM_NEWADDR/DELADDR: address
        route,     ///< RTM_NEWROUTE/DELROUTE: route_destination/route_prefix, route
        neighbour, ///< RTM_NEWNEIGH/DELNEIGH: neighbour
        rule,      ///< RTM_NEWRULE/DELRULE (policy routing): family only
        overrun,   ///< ENOBUFS: the kernel dropped events; resynchronise from a dump
    };
    Kind kind = Kind::overrun;
    bool removed = false;             ///< a DEL message
    std::optional<IpFamily> family;   ///< address/route/neighbour/rule family, when known
    Link link;
    LinkAddress address;
    IpAddress route_destination;      ///< with route_prefix: the prefix the route covers
    unsigned route_prefix = 0;
    Route route;
    Neighbour neighbour;
};

/// "link eth0 (3) up", "route 10.0.0.0/8 via 192.0.2.1 dev 3", ...: for -v.
std::string describe(const NetworkEvent& event);

/// The subscription. Not thread-safe.
class NetlinkMonitor {
public:
    /// Joins RTNLGRP_LINK, IPV4/IPV6_IFADDR, IPV4/IPV6_ROUTE, NEIGH and IPV4/IPV6_RULE on a
    /// non-blocking socket; receive_buffer (bytes, 0: 1 MiB) is its SO_RCVBUF. Throws
    /// NetlinkError.
    explicit NetlinkMonitor(int receive_buffer = 0);
    ~NetlinkMonitor();
    NetlinkMonitor(const NetlinkMonitor&) = delete;
    NetlinkMonitor& operator=(const NetlinkMonitor&) = delete;

    /// The socket, for poll/epoll (readable when events wait).
    int fd() const noexcept;

    /// Reads every message waiting, without blocking, appending one event per message
    /// (an overrun event when the kernel dropped some). Returns how many it read.
    /// Throws NetlinkError on a socket failure.
    std::size_t read(std::vector<NetworkEvent>& events);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace ncs
