// The only file that includes libnl. Requests are built by hand (libnl 3.7's
// helpers set fields the kernel rejects, see libnl-resolution.md §1-§3) and
// answers are parsed with libnl's exported parsers, then copied into the plain
// structs of netlink.hpp before the libnl objects are released.

#include "system/netlink.hpp"

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include <linux/if.h>
#include <linux/fib_rules.h>
#include <linux/if_arp.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace ncs {

namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        Free(p);
    }
};
using SocketPtr = std::unique_ptr<nl_sock, Deleter<nl_socket_free>>;
using MessagePtr = std::unique_ptr<nl_msg, Deleter<nlmsg_free>>;
using CallbackPtr = std::unique_ptr<nl_cb, Deleter<nl_cb_put>>;

constexpr int k_watch_rcvbuf = 256 * 1024;

std::string message_for(const std::string& operation, int kernel_errno, const std::string& nl_text,
                        const std::string& extack) {
    std::string text = operation;
    if (kernel_errno == 0 && !nl_text.empty()) {
        text += fmt::format(": {}", nl_text);
    }
    if (!extack.empty()) {
        text += fmt::format(": {}", extack);
    }
    return text;
}

[[noreturn]] void throw_local(const std::string& operation, int nl_error) {
    throw NetlinkError(operation, 0, fmt::format("{} (libnl)", nl_geterror(nl_error)), {});
}

unsigned char family_of(const IpAddress& address) {
    return address.is_v4() ? AF_INET : AF_INET6;
}

/// The address of family af in len bytes at data (AF_INET: 4, AF_INET6: 16).
std::optional<IpAddress> ip_from_bytes(int af, const void* data, long len) {
    const auto* bytes_in = static_cast<const std::uint8_t*>(data);
    if (af == AF_INET && len == 4) {
        std::array<std::uint8_t, 4> bytes{};
        std::copy_n(bytes_in, bytes.size(), bytes.begin());
        return IpAddress::v4(bytes);
    }
    if (af == AF_INET6 && len == 16) {
        std::array<std::uint8_t, 16> bytes{};
        std::copy_n(bytes_in, bytes.size(), bytes.begin());
        return IpAddress::v6(bytes);
    }
    return std::nullopt;
}

std::optional<IpAddress> to_ip(nl_addr* addr) {
    if (addr == nullptr) {
        return std::nullopt;
    }
    return ip_from_bytes(nl_addr_get_family(addr), nl_addr_get_binary_addr(addr),
                         static_cast<long>(nl_addr_get_len(addr)));
}

std::optional<MacAddress> to_mac(nl_addr* addr) {
    if (addr == nullptr || nl_addr_get_len(addr) != 6) {
        return std::nullopt;
    }
    const auto* data = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(addr));
    std::array<std::uint8_t, 6> bytes{};
    std::copy_n(data, bytes.size(), bytes.begin());
    return MacAddress(bytes);
}

bool same_key(const Neighbour& n, int ifindex, const IpAddress& destination) {
    return n.ifindex == ifindex && n.destination.without_zone() == destination.without_zone();
}

// nl_msg_parse hands each callback a borrowed object of the message's type;
// these convert it while it is alive.
bool is_type(nl_object* obj, std::string_view type) {
    const char* name = nl_object_get_type(obj);
    return name != nullptr && type == name;
}

RouteType route_type(int rtn) {
    switch (rtn) {
    case RTN_UNICAST: return RouteType::unicast;
    case RTN_LOCAL: return RouteType::local;
    case RTN_BROADCAST: return RouteType::broadcast;
    case RTN_ANYCAST: return RouteType::anycast;
    case RTN_MULTICAST: return RouteType::multicast;
    default: return RouteType::other;
    }
}

Route convert_route(rtnl_route* r) {
    Route route;
    route.type = route_type(rtnl_route_get_type(r));
    route.table = rtnl_route_get_table(r);
    route.prefsrc = to_ip(rtnl_route_get_pref_src(r));
    if (rtnl_route_get_nnexthops(r) > 0) {
        rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
        route.oif = rtnl_route_nh_get_ifindex(nh);
        route.gateway = to_ip(rtnl_route_nh_get_gateway(nh));
        if (!route.gateway) {
            // Linux 5.2+: an IPv4 route through an IPv6 gateway arrives as RTA_VIA.
            route.gateway = to_ip(rtnl_route_nh_get_via(nh));
        }
    }
    return route;
}

Neighbour convert_neighbour(rtnl_neigh* n) {
    Neighbour neighbour;
    neighbour.ifindex = rtnl_neigh_get_ifindex(n);
    if (auto dst = to_ip(rtnl_neigh_get_dst(n))) {
        neighbour.destination = *dst;
    }
    neighbour.state = static_cast<std::uint16_t>(rtnl_neigh_get_state(n));
    if ((neighbour.state & k_nud_valid) != 0) {
        neighbour.lladdr = to_mac(rtnl_neigh_get_lladdr(n));
    }
    return neighbour;
}

Link convert_link(rtnl_link* l) {
    Link link;
    link.ifindex = rtnl_link_get_ifindex(l);
    if (const char* name = rtnl_link_get_name(l)) {
        link.name = name;
    }
    link.flags = rtnl_link_get_flags(l);
    link.arptype = rtnl_link_get_arptype(l);
    if (const char* kind = rtnl_link_get_type(l)) {
        link.kind = kind;
    }
    link.master = rtnl_link_get_master(l);
    if (const char* slave = rtnl_link_get_slave_type(l)) {
        link.slave_kind = slave;
    }
    link.mac = to_mac(rtnl_link_get_addr(l));
    return link;
}

/// A message handler that hands every object of libnl type `type` in the
/// message to take (borrowed: convert it, do not keep it).
std::function<void(nl_msg*)> each_object(std::string_view type,
                                         std::function<void(nl_object*)> take) {
    return [type, take = std::move(take)](nl_msg* m) {
        struct Sink {
            std::string_view type;
            const std::function<void(nl_object*)>* take;
        } sink{type, &take};
        nl_msg_parse(
            m,
            [](nl_object* obj, void* arg) {
                const auto* s = static_cast<Sink*>(arg);
                if (is_type(obj, s->type)) {
                    (*s->take)(obj);
                }
            },
            &sink);
    };
}

/// One request/answer exchange on the request socket.
struct Exchange {
    std::function<void(nl_msg*)> on_message;
    unsigned seq = 0;
    bool expect_ack = false;
    bool done = false;
    int kernel_errno = 0;
    std::string extack;
};

std::string extack_of(const nlmsgerr* e) {
    // The NLMSG_ERROR header sits right before its payload.
    const auto* base = reinterpret_cast<const char*>(e) - nlmsg_total_size(0);
    const auto* hdr = reinterpret_cast<const nlmsghdr*>(base);
    if ((hdr->nlmsg_flags & NLM_F_ACK_TLVS) == 0) {
        return {};
    }
    const auto header_size = static_cast<std::size_t>(nlmsg_total_size(0));
    std::size_t offset = header_size + sizeof(nlmsgerr);
    if ((hdr->nlmsg_flags & NLM_F_CAPPED) == 0) {
        offset += e->msg.nlmsg_len - header_size;
    }
    if (offset >= hdr->nlmsg_len) {
        return {};
    }
    std::array<nlattr*, NLMSGERR_ATTR_MAX + 1> tb{};
    auto* head = reinterpret_cast<nlattr*>(const_cast<char*>(base) + offset);
    if (nla_parse(tb.data(), NLMSGERR_ATTR_MAX, head, static_cast<int>(hdr->nlmsg_len - offset),
                  nullptr) < 0 ||
        tb[NLMSGERR_ATTR_MSG] == nullptr) {
        return {};
    }
    return nla_get_string(tb[NLMSGERR_ATTR_MSG]);
}

int on_seq_check(nl_msg* msg, void* arg) {
    const auto* ex = static_cast<Exchange*>(arg);
    return nlmsg_hdr(msg)->nlmsg_seq == ex->seq ? NL_OK : NL_SKIP;
}

int on_valid(nl_msg* msg, void* arg) {
    auto* ex = static_cast<Exchange*>(arg);
    if (ex->on_message) {
        ex->on_message(msg);
    }
    if ((nlmsg_hdr(msg)->nlmsg_flags & NLM_F_MULTI) == 0 && !ex->expect_ack) {
        ex->done = true;
        return NL_STOP;
    }
    return NL_OK;
}

int on_finish(nl_msg*, void* arg) {
    static_cast<Exchange*>(arg)->done = true;
    return NL_STOP;
}

int on_error(sockaddr_nl*, nlmsgerr* e, void* arg) {
    auto* ex = static_cast<Exchange*>(arg);
    ex->kernel_errno = -e->error;
    ex->extack = extack_of(e);
    ex->done = true;
    return NL_STOP;
}

SocketPtr open_socket(const char* what) {
    SocketPtr sk(nl_socket_alloc());
    if (!sk) {
        throw NetlinkError(fmt::format("{}: nl_socket_alloc", what), 0, "out of memory", {});
    }
    if (const int err = nl_connect(sk.get(), NETLINK_ROUTE); err < 0) {
        throw_local(fmt::format("{}: connect NETLINK_ROUTE", what), err);
    }
    // Ask for the kernel's own words on errors (extended ack), capped replies.
    const int one = 1;
    const int fd = nl_socket_get_fd(sk.get());
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
    return sk;
}

MessagePtr new_message(int type, int flags) {
    MessagePtr msg(nlmsg_alloc_simple(type, flags));
    if (!msg) {
        throw NetlinkError("nlmsg_alloc_simple", 0, "out of memory", {});
    }
    return msg;
}

template <typename Header>
void append_header(nl_msg* msg, const Header& header) {
    if (nlmsg_append(msg, const_cast<Header*>(&header), sizeof header, NLMSG_ALIGNTO) < 0) {
        throw NetlinkError("nlmsg_append", 0, "message too small", {});
    }
}

/// A dump request (NLM_F_DUMP) with its header.
template <typename Header>
MessagePtr dump_message(int type, const Header& header) {
    auto msg = new_message(type, NLM_F_REQUEST | NLM_F_DUMP);
    append_header(msg.get(), header);
    return msg;
}

unsigned char af_of(IpFamily family) { return family == IpFamily::v4 ? AF_INET : AF_INET6; }

void put(nl_msg* msg, int type, const void* data, std::size_t len) {
    if (nla_put(msg, type, static_cast<int>(len), data) < 0) {
        throw NetlinkError("nla_put", 0, "message too small", {});
    }
}

void put_address(nl_msg* msg, int type, const IpAddress& address) {
    const auto bytes = address.bytes();
    put(msg, type, bytes.data(), bytes.size());
}

/// RTM_NEWNEIGH for (ifindex, destination) that asks for an ACK.
MessagePtr neighbour_change(int flags, int ifindex, const IpAddress& destination,
                            std::uint16_t state, std::uint8_t ntf_flags) {
    auto msg = new_message(RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_ACK | flags);
    ndmsg nd{};
    nd.ndm_family = family_of(destination);
    nd.ndm_ifindex = ifindex;
    nd.ndm_state = state;
    nd.ndm_flags = ntf_flags;
    append_header(msg.get(), nd);
    put_address(msg.get(), NDA_DST, destination);
    return msg;
}

} // namespace

NetlinkError::NetlinkError(const std::string& operation, int kernel_errno, std::string nl_text,
                           std::string extack)
    : std::system_error(kernel_errno != 0 ? kernel_errno : EIO, std::generic_category(),
                        message_for(operation, kernel_errno, nl_text, extack)),
      m_kernel_errno(kernel_errno), m_extack(std::move(extack)) {}

std::string_view to_string(RouteType type) {
    switch (type) {
    case RouteType::unicast: return "unicast";
    case RouteType::local: return "local";
    case RouteType::broadcast: return "broadcast";
    case RouteType::anycast: return "anycast";
    case RouteType::multicast: return "multicast";
    case RouteType::other: break;
    }
    return "other";
}

std::string neighbour_state_name(std::uint16_t state) {
    static constexpr std::array<std::pair<std::uint16_t, std::string_view>, 8> k_names{{
        {k_nud_incomplete, "INCOMPLETE"},
        {k_nud_reachable, "REACHABLE"},
        {k_nud_stale, "STALE"},
        {k_nud_delay, "DELAY"},
        {k_nud_probe, "PROBE"},
        {k_nud_failed, "FAILED"},
        {k_nud_noarp, "NOARP"},
        {k_nud_permanent, "PERMANENT"},
    }};
    std::string text;
    for (const auto& [bit, name] : k_names) {
        if ((state & bit) != 0) {
            text += text.empty() ? "" : "|";
            text += name;
        }
    }
    return text.empty() ? "NONE" : text;
}

bool Link::is_up() const noexcept { return (flags & IFF_UP) != 0; }
bool Link::has_carrier() const noexcept { return (flags & IFF_LOWER_UP) != 0; }
bool Link::is_loopback() const noexcept { return (flags & IFF_LOOPBACK) != 0; }
bool Link::is_noarp() const noexcept { return (flags & IFF_NOARP) != 0; }
bool Link::is_point_to_point() const noexcept { return (flags & IFF_POINTOPOINT) != 0; }

struct Netlink::Impl {
    SocketPtr request;
    SocketPtr watch;

    /// Sends msg and reads until its answer is complete. Returns the kernel's
    /// errno (0 on success); throws on local failures.
    int transact(const std::string& operation, nl_msg* msg, std::function<void(nl_msg*)> on_message,
                 std::string* extack = nullptr) {
        Exchange ex;
        ex.on_message = std::move(on_message);
        ex.expect_ack = (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_ACK) != 0;
        if (const int err = nl_send_auto(request.get(), msg); err < 0) {
            throw_local(operation, err);
        }
        ex.seq = nlmsg_hdr(msg)->nlmsg_seq;
        CallbackPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
        if (!cb) {
            throw NetlinkError(operation, 0, "nl_cb_alloc: out of memory", {});
        }
        nl_cb_set(cb.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &ex);
        nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ex);
        nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ex);
        nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_finish, &ex);
        nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &ex);
        while (!ex.done) {
            const int err = nl_recvmsgs(request.get(), cb.get());
            if (err < 0 && ex.kernel_errno == 0) {
                throw_local(operation, err);
            }
        }
        if (extack != nullptr) {
            *extack = ex.extack;
        }
        return ex.kernel_errno;
    }

    /// transact() that turns a kernel error into NetlinkError.
    void transact_or_throw(const std::string& operation, nl_msg* msg,
                           std::function<void(nl_msg*)> on_message) {
        std::string extack;
        if (const int err = transact(operation, msg, std::move(on_message), &extack); err != 0) {
            throw NetlinkError(operation, err, {}, extack);
        }
    }

    /// transact() where the errno `absent` means "no such object": false then.
    bool transact_optional(const std::string& operation, nl_msg* msg, int absent,
                           std::function<void(nl_msg*)> on_message) {
        std::string extack;
        const int err = transact(operation, msg, std::move(on_message), &extack);
        if (err == absent) {
            return false;
        }
        if (err != 0) {
            throw NetlinkError(operation, err, {}, extack);
        }
        return true;
    }

    /// The answer of a single link request, or nullopt on ENODEV.
    std::optional<Link> link_request(const std::string& operation, nl_msg* msg) {
        std::optional<Link> result;
        transact_optional(operation, msg, ENODEV, each_object("route/link", [&](nl_object* obj) {
                              result = convert_link(reinterpret_cast<rtnl_link*>(obj));
                          }));
        return result;
    }
};

Netlink::Netlink() : m_impl(std::make_unique<Impl>()) {
    m_impl->request = open_socket("netlink request socket");
    // GETs are answered without ACK; requests that change state ask for one.
    nl_socket_disable_auto_ack(m_impl->request.get());
}

Netlink::~Netlink() = default;

Route Netlink::get_route(const RouteQuery& query) {
    const std::string operation = fmt::format("RTM_GETROUTE {}", query.destination);
    auto msg = new_message(RTM_GETROUTE, NLM_F_REQUEST);
    rtmsg rt{};
    rt.rtm_family = family_of(query.destination);
    rt.rtm_dst_len = query.destination.is_v4() ? 32 : 128;
    if (query.source) {
        rt.rtm_src_len = query.source->is_v4() ? 32 : 128;
    }
    // As iproute2: RTM_F_LOOKUP_TABLE only for IPv4 (IPv6 ignores or rejects it).
    if (query.destination.is_v4()) {
        rt.rtm_flags = RTM_F_LOOKUP_TABLE;
    }
    append_header(msg.get(), rt);
    put_address(msg.get(), RTA_DST, query.destination);
    if (query.source) {
        put_address(msg.get(), RTA_SRC, *query.source);
    }
    if (query.oif != 0) {
        const auto oif = static_cast<std::uint32_t>(query.oif);
        put(msg.get(), RTA_OIF, &oif, sizeof oif);
    }
    if (query.udp_source_port != 0 || query.udp_destination_port != 0) {
        // As `ip route get ... ipproto udp sport S dport D`: the protocol as a
        // u8, the ports in network order. Kernels before 4.17 ignore them.
        const std::uint8_t protocol = IPPROTO_UDP;
        put(msg.get(), RTA_IP_PROTO, &protocol, sizeof protocol);
        const std::uint16_t sport = htons(query.udp_source_port);
        const std::uint16_t dport = htons(query.udp_destination_port);
        put(msg.get(), RTA_SPORT, &sport, sizeof sport);
        put(msg.get(), RTA_DPORT, &dport, sizeof dport);
    }
    std::optional<Route> route;
    m_impl->transact_or_throw(operation, msg.get(),
                              each_object("route/route", [&](nl_object* obj) {
                                  route = convert_route(reinterpret_cast<rtnl_route*>(obj));
                              }));
    if (!route) {
        throw NetlinkError(operation, EPROTO, {}, "no route in the answer");
    }
    return *route;
}

std::optional<Neighbour> Netlink::get_neighbour(int ifindex, const IpAddress& destination) {
    const std::string operation = fmt::format("RTM_GETNEIGH {} ifindex {}", destination, ifindex);
    auto msg = new_message(RTM_GETNEIGH, NLM_F_REQUEST);
    // neigh_valid_get_req (Linux 5.0+) insists on ndm_state == ndm_type == 0 and
    // NDA_DST as the only attribute; libnl's builders would set PERMANENT.
    ndmsg nd{};
    nd.ndm_family = family_of(destination);
    nd.ndm_ifindex = ifindex;
    append_header(msg.get(), nd);
    put_address(msg.get(), NDA_DST, destination);
    std::optional<Neighbour> result;
    m_impl->transact_optional(operation, msg.get(), ENOENT,
                              each_object("route/neigh", [&](nl_object* obj) {
                                  result = convert_neighbour(reinterpret_cast<rtnl_neigh*>(obj));
                              }));
    return result;
}

void Netlink::trigger_resolution(int ifindex, const IpAddress& destination) {
    // ndm_state 0, not PERMANENT (iproute2's and libnl's default), so that a new
    // entry stays dynamic and garbage-collectable.
    auto msg = neighbour_change(NLM_F_CREATE, ifindex, destination, 0, NTF_USE);
    m_impl->transact_or_throw(
        fmt::format("RTM_NEWNEIGH NTF_USE {} ifindex {}", destination, ifindex), msg.get(), {});
}

void Netlink::probe_now(int ifindex, const IpAddress& destination) {
    // Like `ip neigh change ADDR dev DEV nud probe`: no lladdr (the entry keeps
    // its own), NLM_F_REPLACE without NLM_F_CREATE (never creates an entry).
    auto msg = neighbour_change(NLM_F_REPLACE, ifindex, destination, k_nud_probe, 0);
    m_impl->transact_or_throw(
        fmt::format("RTM_NEWNEIGH nud PROBE {} ifindex {}", destination, ifindex), msg.get(), {});
}

void Netlink::forget_neighbour(int ifindex, const IpAddress& destination) {
    // __neigh_update with a state outside NUD_VALID stops the timers and keeps
    // the entry; NTF_USE on FAILED then starts from INCOMPLETE with probes set
    // past ucast_solicit, so arp_solicit/ndisc_solicit send to broadcast or the
    // solicited-node group (Linux 4.x to 6.18). The entry is not deleted, so
    // routes and sockets that hold it see the new MAC as soon as it answers.
    auto msg = neighbour_change(NLM_F_REPLACE, ifindex, destination, k_nud_failed, 0);
    m_impl->transact_or_throw(
        fmt::format("RTM_NEWNEIGH nud FAILED {} ifindex {}", destination, ifindex), msg.get(), {});
}

void Netlink::watch_neighbours() {
    if (m_impl->watch) {
        return;
    }
    // Events go to their own socket: mixing them with request answers on one
    // socket confuses sequence handling (thom311's review of libnl PR #242).
    SocketPtr sk = open_socket("netlink neighbour watch");
    nl_socket_disable_seq_check(sk.get());
    if (const int err = nl_socket_add_membership(sk.get(), RTNLGRP_NEIGH); err < 0) {
        throw_local("netlink neighbour watch: join RTNLGRP_NEIGH", err);
    }
    if (const int err = nl_socket_set_nonblocking(sk.get()); err < 0) {
        throw_local("netlink neighbour watch: O_NONBLOCK", err);
    }
    nl_socket_set_buffer_size(sk.get(), k_watch_rcvbuf, 0);
    m_impl->watch = std::move(sk);
}

NeighbourEvent Netlink::wait_neighbour(int ifindex, const IpAddress& destination,
                                       std::chrono::steady_clock::time_point deadline) {
    watch_neighbours();
    struct Context {
        int ifindex;
        const IpAddress* destination;
        std::optional<Neighbour> found;
    } ctx{ifindex, &destination, std::nullopt};

    CallbackPtr cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) {
        throw NetlinkError("netlink neighbour watch", 0, "nl_cb_alloc: out of memory", {});
    }
    // Events carry the kernel's sequence numbers, not ours: accept them all.
    nl_cb_set(
        cb.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, [](nl_msg*, void*) -> int { return NL_OK; },
        nullptr);
    nl_cb_set(
        cb.get(), NL_CB_VALID, NL_CB_CUSTOM,
        [](nl_msg* m, void* arg) -> int {
            // With app_solicit > 0 the kernel also multicasts RTM_GETNEIGH; only
            // RTM_NEWNEIGH carries an answer.
            if (nlmsg_hdr(m)->nlmsg_type != RTM_NEWNEIGH) {
                return NL_OK;
            }
            nl_msg_parse(
                m,
                [](nl_object* obj, void* a) {
                    auto* c = static_cast<Context*>(a);
                    if (!is_type(obj, "route/neigh")) {
                        return;
                    }
                    Neighbour n = convert_neighbour(reinterpret_cast<rtnl_neigh*>(obj));
                    if (same_key(n, c->ifindex, *c->destination)) {
                        c->found = std::move(n);
                    }
                },
                arg);
            return NL_OK;
        },
        &ctx);

    const int fd = nl_socket_get_fd(m_impl->watch.get());
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return {NeighbourEvent::Kind::timeout, {}};
        }
        // Round up so a sub-millisecond remainder still waits.
        const auto remaining =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
        pollfd pfd{fd, POLLIN, 0};
        const int ready = poll(&pfd, 1, static_cast<int>(remaining));
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::system_error(errno, std::generic_category(),
                                    "poll on the netlink neighbour watch");
        }
        if (ready == 0) {
            continue;
        }
        const int err = nl_recvmsgs(m_impl->watch.get(), cb.get());
        if (err == -NLE_NOMEM) {
            // libnl reports ENOBUFS (events dropped) as NLE_NOMEM.
            return {NeighbourEvent::Kind::overrun, {}};
        }
        if (err < 0 && err != -NLE_AGAIN) {
            throw_local("netlink neighbour watch: receive", err);
        }
        if (ctx.found) {
            return {NeighbourEvent::Kind::update, *ctx.found};
        }
    }
}

std::optional<Link> Netlink::get_link(int ifindex) {
    auto msg = new_message(RTM_GETLINK, NLM_F_REQUEST);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    append_header(msg.get(), ifi);
    const std::uint32_t mask = RTEXT_FILTER_SKIP_STATS;
    put(msg.get(), IFLA_EXT_MASK, &mask, sizeof mask);
    return m_impl->link_request(fmt::format("RTM_GETLINK ifindex {}", ifindex), msg.get());
}

std::optional<Link> Netlink::get_link(const std::string& name) {
    if (name.empty() || name.size() >= IFNAMSIZ) {
        return std::nullopt;
    }
    auto msg = new_message(RTM_GETLINK, NLM_F_REQUEST);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    append_header(msg.get(), ifi);
    put(msg.get(), IFLA_IFNAME, name.c_str(), name.size() + 1);
    const std::uint32_t mask = RTEXT_FILTER_SKIP_STATS;
    put(msg.get(), IFLA_EXT_MASK, &mask, sizeof mask);
    return m_impl->link_request(fmt::format("RTM_GETLINK {}", name), msg.get());
}

std::vector<Link> Netlink::links() {
    auto msg = new_message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    append_header(msg.get(), ifi);
    const std::uint32_t mask = RTEXT_FILTER_SKIP_STATS;
    put(msg.get(), IFLA_EXT_MASK, &mask, sizeof mask);
    std::vector<Link> result;
    m_impl->transact_or_throw("RTM_GETLINK dump", msg.get(),
                              each_object("route/link", [&](nl_object* obj) {
                                  result.push_back(convert_link(reinterpret_cast<rtnl_link*>(obj)));
                              }));
    return result;
}

std::vector<LinkAddress> Netlink::addresses(IpFamily family) {
    ifaddrmsg ifa{};
    ifa.ifa_family = af_of(family);
    const auto msg = dump_message(RTM_GETADDR, ifa);
    std::vector<LinkAddress> result;
    m_impl->transact_or_throw("RTM_GETADDR dump", msg.get(),
                              each_object("route/addr", [&](nl_object* obj) {
                                  auto* a = reinterpret_cast<rtnl_addr*>(obj);
                                  if (auto local = to_ip(rtnl_addr_get_local(a))) {
                                      result.push_back(
                                          {rtnl_addr_get_ifindex(a), *local,
                                           static_cast<unsigned>(rtnl_addr_get_prefixlen(a)),
                                           rtnl_addr_get_flags(a)});
                                  }
                              }));
    return result;
}

std::vector<RoutingRule> Netlink::rules(IpFamily family) {
    fib_rule_hdr frh{};
    frh.family = af_of(family);
    const auto msg = dump_message(RTM_GETRULE, frh);
    std::vector<RoutingRule> result;
    m_impl->transact_or_throw("RTM_GETRULE dump", msg.get(), [&](nl_msg* m) {
        nlmsghdr* hdr = nlmsg_hdr(m);
        if (hdr->nlmsg_type != RTM_NEWRULE || hdr->nlmsg_len < NLMSG_LENGTH(sizeof(fib_rule_hdr))) {
            return;
        }
        const auto* h = static_cast<const fib_rule_hdr*>(nlmsg_data(hdr));
        std::array<nlattr*, FRA_MAX + 1> tb{};
        if (nlmsg_parse(hdr, sizeof(fib_rule_hdr), tb.data(), FRA_MAX, nullptr) < 0) {
            return;
        }
        RoutingRule rule;
        rule.action = h->action;
        rule.priority = tb[FRA_PRIORITY] != nullptr ? nla_get_u32(tb[FRA_PRIORITY]) : 0;
        rule.destination_prefix = h->dst_len;
        if (tb[FRA_DST] != nullptr && h->dst_len > 0) {
            rule.destination = ip_from_bytes(h->family, nla_data(tb[FRA_DST]), nla_len(tb[FRA_DST]));
        }
        rule.other_selectors = h->src_len > 0 || h->tos != 0 || (h->flags & FIB_RULE_INVERT) != 0;
        for (const int selector : {FRA_IIFNAME, FRA_OIFNAME, FRA_FWMARK, FRA_IP_PROTO,
                                   FRA_SPORT_RANGE, FRA_DPORT_RANGE, FRA_UID_RANGE, FRA_L3MDEV}) {
            if (tb[static_cast<std::size_t>(selector)] != nullptr) {
                rule.other_selectors = true;
            }
        }
        result.push_back(rule);
    });
    return result;
}

bool prefix_covers(const IpAddress& prefix, unsigned length, const IpAddress& address) {
    if (prefix.family() != address.family()) {
        return false;
    }
    const auto a = prefix.bytes();
    const auto b = address.bytes();
    const unsigned bits = std::min<unsigned>(length, static_cast<unsigned>(a.size()) * 8);
    for (unsigned i = 0; i < bits; ++i) {
        const auto mask = static_cast<std::uint8_t>(0x80U >> (i % 8));
        if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
            return false;
        }
    }
    return true;
}

// --- Events (issue 13: watch) ------------------------------------------------------

namespace {

constexpr int k_monitor_rcvbuf = 1024 * 1024;

std::optional<IpFamily> family_from(int af) {
    if (af == AF_INET) {
        return IpFamily::v4;
    }
    if (af == AF_INET6) {
        return IpFamily::v6;
    }
    return std::nullopt;
}

/// The address in attribute a of family af (AF_INET: 4 bytes, AF_INET6: 16).
std::optional<IpAddress> ip_of(int af, const nlattr* a, int offset = 0) {
    return ip_from_bytes(af, static_cast<const char*>(nla_data(a)) + offset, nla_len(a) - offset);
}

/// RTA_GATEWAY, else RTA_VIA (struct rtvia: a family, then the address).
std::optional<IpAddress> gateway_of(int af, nlattr* const* tb) {
    if (tb[RTA_GATEWAY] != nullptr) {
        return ip_of(af, tb[RTA_GATEWAY]);
    }
    if (tb[RTA_VIA] != nullptr && nla_len(tb[RTA_VIA]) >= static_cast<int>(sizeof(rtvia))) {
        const auto* via = static_cast<const rtvia*>(nla_data(tb[RTA_VIA]));
        return ip_of(via->rtvia_family, tb[RTA_VIA], static_cast<int>(sizeof(rtvia)));
    }
    return std::nullopt;
}

/// A route event from the message itself: libnl's attribute parser, without the
/// route object nl_msg_parse allocates (a route storm is thousands of these).
/// The first next hop, as convert_route takes it. False: not a usable message.
bool parse_route_event(nlmsghdr* hdr, NetworkEvent& event) {
    if (hdr->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) {
        return false;
    }
    const auto* rtm = static_cast<const rtmsg*>(nlmsg_data(hdr));
    std::array<nlattr*, RTA_MAX + 1> tb{};
    if (nlmsg_parse(hdr, sizeof(rtmsg), tb.data(), RTA_MAX, nullptr) < 0) {
        return false;
    }
    const int af = rtm->rtm_family;
    event.family = family_from(af);
    if (!event.family) {
        return false;
    }
    event.route_prefix = rtm->rtm_dst_len;
    const auto dst = tb[RTA_DST] != nullptr ? ip_of(af, tb[RTA_DST]) : std::nullopt;
    event.route_destination = dst ? *dst : IpAddress::any(*event.family); // default route
    event.route.type = route_type(rtm->rtm_type);
    event.route.table = tb[RTA_TABLE] != nullptr ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    if (tb[RTA_PREFSRC] != nullptr) {
        event.route.prefsrc = ip_of(af, tb[RTA_PREFSRC]);
    }
    if (tb[RTA_MULTIPATH] != nullptr &&
        nla_len(tb[RTA_MULTIPATH]) >= static_cast<int>(sizeof(rtnexthop))) {
        const auto* nh = static_cast<const rtnexthop*>(nla_data(tb[RTA_MULTIPATH]));
        event.route.oif = nh->rtnh_ifindex;
        const auto header = static_cast<int>((sizeof(rtnexthop) + 3U) & ~std::size_t{3}); // RTNH_ALIGN
        const int len = std::min<int>(nh->rtnh_len, nla_len(tb[RTA_MULTIPATH])) - header;
        if (len > 0) {
            std::array<nlattr*, RTA_MAX + 1> nested{};
            auto* first = reinterpret_cast<nlattr*>(
                reinterpret_cast<char*>(const_cast<rtnexthop*>(nh)) + header);
            if (nla_parse(nested.data(), RTA_MAX, first, len, nullptr) == 0) {
                event.route.gateway = gateway_of(af, nested.data());
            }
        }
    } else {
        event.route.oif = tb[RTA_OIF] != nullptr ? static_cast<int>(nla_get_u32(tb[RTA_OIF])) : 0;
        event.route.gateway = gateway_of(af, tb.data());
    }
    return true;
}

/// The event of one message; nullopt for a type this monitor does not follow.
std::optional<NetworkEvent> convert_event(nlmsghdr* hdr) {
    NetworkEvent event;
    const int type = hdr->nlmsg_type;
    switch (type) {
    case RTM_NEWLINK: case RTM_DELLINK: event.kind = NetworkEvent::Kind::link; break;
    case RTM_NEWADDR: case RTM_DELADDR: event.kind = NetworkEvent::Kind::address; break;
    case RTM_NEWROUTE: case RTM_DELROUTE: event.kind = NetworkEvent::Kind::route; break;
    case RTM_NEWNEIGH: case RTM_DELNEIGH: event.kind = NetworkEvent::Kind::neighbour; break;
    case RTM_NEWRULE: case RTM_DELRULE: event.kind = NetworkEvent::Kind::rule; break;
    default: return std::nullopt;
    }
    event.removed = type == RTM_DELLINK || type == RTM_DELADDR || type == RTM_DELROUTE ||
                    type == RTM_DELNEIGH || type == RTM_DELRULE;
    if (event.kind == NetworkEvent::Kind::rule) {
        // struct fib_rule_hdr starts with the family, like struct rtgenmsg.
        if (hdr->nlmsg_len > sizeof(nlmsghdr)) { // the header is already aligned
            event.family = family_from(reinterpret_cast<const unsigned char*>(hdr)[sizeof(nlmsghdr)]);
        }
        return event;
    }
    if (event.kind == NetworkEvent::Kind::route) {
        return parse_route_event(hdr, event) ? std::optional(event) : std::nullopt;
    }
    MessagePtr msg(nlmsg_convert(hdr));
    if (!msg) {
        throw NetlinkError("netlink monitor: nlmsg_convert", 0, "out of memory", {});
    }
    nlmsg_set_proto(msg.get(), NETLINK_ROUTE); // nl_msg_parse finds its parser by protocol
    bool parsed = false;
    struct Sink {
        NetworkEvent* event;
        bool* parsed;
    } sink{&event, &parsed};
    nl_msg_parse(
        msg.get(),
        [](nl_object* obj, void* arg) {
            auto* s = static_cast<Sink*>(arg);
            auto& e = *s->event;
            if (is_type(obj, "route/link")) {
                e.link = convert_link(reinterpret_cast<rtnl_link*>(obj));
            } else if (is_type(obj, "route/addr")) {
                auto* a = reinterpret_cast<rtnl_addr*>(obj);
                e.family = family_from(rtnl_addr_get_family(a));
                e.address.ifindex = rtnl_addr_get_ifindex(a);
                e.address.prefix_length = static_cast<unsigned>(rtnl_addr_get_prefixlen(a));
                if (auto local = to_ip(rtnl_addr_get_local(a))) {
                    e.address.address = *local;
                }
            } else if (is_type(obj, "route/neigh")) {
                auto* n = reinterpret_cast<rtnl_neigh*>(obj);
                e.family = family_from(rtnl_neigh_get_family(n));
                e.neighbour = convert_neighbour(n);
            } else {
                return;
            }
            *s->parsed = true;
        },
        &sink);
    if (!parsed) {
        return std::nullopt; // e.g. a bridge FDB entry (AF_BRIDGE) on RTNLGRP_NEIGH
    }
    return event;
}

} // namespace

std::string describe(const NetworkEvent& event) {
    const char* verb = event.removed ? "removed" : "new";
    switch (event.kind) {
    case NetworkEvent::Kind::link:
        return fmt::format("{} link {} (ifindex {}) {}{}{}", verb, event.link.name,
                           event.link.ifindex, event.link.is_up() ? "up" : "down",
                           event.link.has_carrier() ? "" : " no-carrier",
                           event.link.master != 0 ? fmt::format(" master {}", event.link.master)
                                                  : std::string());
    case NetworkEvent::Kind::address:
        return fmt::format("{} address {}/{} ifindex {}", verb, event.address.address,
                           event.address.prefix_length, event.address.ifindex);
    case NetworkEvent::Kind::route:
        return fmt::format("{} route {}/{}{} ifindex {} table {}", verb, event.route_destination,
                           event.route_prefix,
                           event.route.gateway ? fmt::format(" via {}", *event.route.gateway)
                                               : std::string(),
                           event.route.oif, event.route.table);
    case NetworkEvent::Kind::neighbour:
        return fmt::format("{} neighbour {} ifindex {} {} {}", verb, event.neighbour.destination,
                           event.neighbour.ifindex,
                           event.neighbour.lladdr ? event.neighbour.lladdr->to_string()
                                                  : std::string("(no MAC)"),
                           neighbour_state_name(event.neighbour.state));
    case NetworkEvent::Kind::rule:
        return fmt::format("{} routing rule", verb);
    case NetworkEvent::Kind::overrun:
        return "events were lost (ENOBUFS)";
    }
    return "?";
}

struct NetlinkMonitor::Impl {
    SocketPtr socket;
    std::vector<char> buffer = std::vector<char>(64 * 1024);
};

NetlinkMonitor::NetlinkMonitor(int receive_buffer) : m_impl(std::make_unique<Impl>()) {
    SocketPtr sk = open_socket("netlink monitor");
    nl_socket_disable_seq_check(sk.get());
    for (const int group : {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                            RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH,
                            RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE}) {
        if (const int err = nl_socket_add_membership(sk.get(), group); err < 0) {
            throw_local(fmt::format("netlink monitor: join group {}", group), err);
        }
    }
    if (const int err = nl_socket_set_nonblocking(sk.get()); err < 0) {
        throw_local("netlink monitor: O_NONBLOCK", err);
    }
    const int size = receive_buffer > 0 ? receive_buffer : k_monitor_rcvbuf;
    // SO_RCVBUF directly: the kernel doubles it and enforces its minimum.
    setsockopt(nl_socket_get_fd(sk.get()), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    m_impl->socket = std::move(sk);
}

NetlinkMonitor::~NetlinkMonitor() = default;

int NetlinkMonitor::fd() const noexcept { return nl_socket_get_fd(m_impl->socket.get()); }

std::size_t NetlinkMonitor::read(std::vector<NetworkEvent>& events) {
    std::size_t count = 0;
    const int fd = this->fd();
    for (;;) {
        const ssize_t n = recv(fd, m_impl->buffer.data(), m_impl->buffer.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return count;
            }
            if (errno == ENOBUFS) {
                NetworkEvent overrun;
                overrun.kind = NetworkEvent::Kind::overrun;
                events.push_back(std::move(overrun));
                ++count;
                continue; // the socket is usable again; read what is left
            }
            throw NetlinkError("netlink monitor: recv", errno, {}, {});
        }
        // NLMSG_OK/NLMSG_NEXT by hand: the macros' casts do not pass -Werror.
        const auto total = static_cast<std::size_t>(n);
        std::size_t offset = 0;
        while (offset + sizeof(nlmsghdr) <= total) {
            auto* hdr = reinterpret_cast<nlmsghdr*>(m_impl->buffer.data() + offset);
            if (hdr->nlmsg_len < sizeof(nlmsghdr) || offset + hdr->nlmsg_len > total) {
                break; // truncated: the rest of this datagram is lost
            }
            ++count;
            if (auto event = convert_event(hdr)) {
                events.push_back(std::move(*event));
            }
            offset += (hdr->nlmsg_len + 3U) & ~std::size_t{3};
        }
    }
}

} // namespace ncs
