// lib/reconcile/watch.cpp: affects(), the pure "can this event change this target?"
// (the event loop itself is proved with real rtnetlink in the netns tier).
#include "reconcile/watch.hpp"

#include <catch2/catch.hpp>

using ncs::IpAddress;
using ncs::IpFamily;
using ncs::MacAddress;
using ncs::NetworkEvent;
using ncs::reconcile::affects;
using ncs::reconcile::Watched;
using Kind = NetworkEvent::Kind;

namespace {

// Target 10.2.0.2 via gateway 10.1.0.1 on pa (ifindex 2), source 10.1.0.2.
Watched routed() {
    Watched w;
    w.resolved = true;
    w.remote = IpAddress::parse("10.2.0.2");
    w.dev_name = "pa";
    w.ifindex = 2;
    w.next_hop = IpAddress::parse("10.1.0.1");
    w.remote_mac = MacAddress::parse("02:00:00:00:00:01");
    w.local_ip = IpAddress::parse("10.1.0.2");
    return w;
}

NetworkEvent route(const char* prefix, unsigned length, IpFamily family = IpFamily::v4) {
    NetworkEvent e;
    e.kind = Kind::route;
    e.family = family;
    e.route_destination = IpAddress::parse(prefix);
    e.route_prefix = length;
    return e;
}

NetworkEvent neighbour(const char* ip, int ifindex, const char* mac, std::uint16_t state) {
    NetworkEvent e;
    e.kind = Kind::neighbour;
    e.family = IpFamily::v4;
    e.neighbour.ifindex = ifindex;
    e.neighbour.destination = IpAddress::parse(ip);
    if (mac != nullptr) {
        e.neighbour.lladdr = MacAddress::parse(mac);
    }
    e.neighbour.state = state;
    return e;
}

NetworkEvent address(const char* ip, int ifindex) {
    NetworkEvent e;
    e.kind = Kind::address;
    e.family = IpAddress::parse(ip).family();
    e.address.address = IpAddress::parse(ip);
    e.address.ifindex = ifindex;
    return e;
}

NetworkEvent link(int ifindex, const char* name) {
    NetworkEvent e;
    e.kind = Kind::link;
    e.link.ifindex = ifindex;
    e.link.name = name;
    return e;
}

} // namespace

TEST_CASE("a route matters when its prefix covers the remote or the next hop", "[watch]") {
    const auto w = routed();
    CHECK(affects(route("0.0.0.0", 0), w));      // default route replaced
    CHECK(affects(route("10.2.0.0", 24), w));    // the remote's network
    CHECK(affects(route("10.2.0.2", 32), w));    // a host route to it
    CHECK(affects(route("10.1.0.0", 24), w));    // the gateway's network
    CHECK_FALSE(affects(route("10.99.1.0", 24), w)); // a storm of unrelated routes
    CHECK_FALSE(affects(route("10.2.0.3", 32), w));
    CHECK_FALSE(affects(route("10.2.0.0", 31), w)); // .0 and .1 only
    CHECK_FALSE(affects(route("::", 0, IpFamily::v6), w)); // the other family
}

TEST_CASE("a neighbour matters only for the next hop, a new MAC or a failure", "[watch]") {
    const auto w = routed();
    CHECK(affects(neighbour("10.1.0.1", 2, "02:00:00:00:00:03", ncs::k_nud_reachable), w));
    CHECK_FALSE(affects(neighbour("10.1.0.1", 2, "02:00:00:00:00:01", ncs::k_nud_stale), w));
    CHECK(affects(neighbour("10.1.0.1", 2, nullptr, ncs::k_nud_failed), w));
    CHECK_FALSE(affects(neighbour("10.1.0.9", 2, "02:00:00:00:00:03", ncs::k_nud_reachable), w));
    CHECK_FALSE(affects(neighbour("10.1.0.1", 3, "02:00:00:00:00:03", ncs::k_nud_reachable), w));
    auto gone = neighbour("10.1.0.1", 2, "02:00:00:00:00:01", ncs::k_nud_reachable);
    gone.removed = true;
    CHECK(affects(gone, w));
}

TEST_CASE("an address matters on the device or when it is the source", "[watch]") {
    const auto w = routed();
    CHECK(affects(address("10.1.0.7", 2), w));
    CHECK(affects(address("10.1.0.2", 5), w));
    CHECK_FALSE(affects(address("10.9.0.7", 5), w));
    CHECK_FALSE(affects(address("2001:db8::7", 2), w));
}

TEST_CASE("a link matters by index, and by name when it comes back with a new index",
          "[watch]") {
    const auto w = routed();
    CHECK(affects(link(2, "pa"), w));
    CHECK(affects(link(2, "renamed"), w));
    CHECK(affects(link(9, "pa"), w));
    CHECK_FALSE(affects(link(9, "other"), w));
}

TEST_CASE("rules of the family, overruns always, and an unresolved target hears more", "[watch]") {
    auto w = routed();
    NetworkEvent rule;
    rule.kind = Kind::rule;
    rule.family = IpFamily::v4;
    CHECK(affects(rule, w));
    rule.family = IpFamily::v6;
    CHECK_FALSE(affects(rule, w));
    NetworkEvent overrun;
    overrun.kind = Kind::overrun;
    CHECK(affects(overrun, w));
    w.resolved = false;
    CHECK(affects(route("10.99.1.0", 24), w)); // any route may bring it back
    CHECK(affects(link(9, "other"), w));
    CHECK_FALSE(affects(neighbour("10.1.0.9", 2, "02:00:00:00:00:03", ncs::k_nud_reachable), w));
}

TEST_CASE("an unresolved target hears its next hop answer, not its own failed probes",
          "[watch]") {
    auto w = routed();
    w.resolved = false; // 10.1.0.1 did not answer on pa (ifindex 2)
    CHECK(affects(neighbour("10.1.0.1", 2, "02:00:00:00:00:03", ncs::k_nud_stale), w));
    CHECK(affects(neighbour("10.1.0.1", 2, "02:00:00:00:00:01", ncs::k_nud_reachable), w));
    CHECK_FALSE(affects(neighbour("10.1.0.1", 2, nullptr, ncs::k_nud_incomplete), w));
    CHECK_FALSE(affects(neighbour("10.1.0.1", 2, nullptr, ncs::k_nud_failed), w));
    CHECK_FALSE(affects(neighbour("10.1.0.1", 3, "02:00:00:00:00:03", ncs::k_nud_stale), w));
    auto removed = neighbour("10.1.0.1", 2, "02:00:00:00:00:03", ncs::k_nud_stale);
    removed.removed = true;
    CHECK_FALSE(affects(removed, w));
}

TEST_CASE("a target never resolved hears its remote's family, or every family for a host name",
          "[watch]") {
    Watched w; // before any resolution: only the remote is known
    w.remote = IpAddress::parse("2001:db8:2::2");
    CHECK(affects(route("::", 0, IpFamily::v6), w));
    CHECK_FALSE(affects(route("0.0.0.0", 0), w));
    w.remote = IpAddress::any(IpFamily::v4); // a host name: its family is not known yet
    CHECK(affects(route("::", 0, IpFamily::v6), w));
    CHECK(affects(route("0.0.0.0", 0), w));
}
