// cli/redhat.cpp: Red Hat's /etc/sysconfig/netconsole as a desired target.
#include "redhat.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

using ncs::cli::redhat_desired;
using ncs::persist::parse_redhat_netconsole;

namespace {

auto desired(const char* text) {
    return redhat_desired(parse_redhat_netconsole(text, "/etc/sysconfig/netconsole"));
}

} // namespace

TEST_CASE("SYSLOGADDR alone: Red Hat's ports 514 and 6666, the rest resolved", "[redhat]") {
    const auto d = desired("SYSLOGADDR=192.0.2.5\n");
    REQUIRE(d);
    CHECK(d->where == "/etc/sysconfig/netconsole:1");
    CHECK(d->request.to == "192.0.2.5");
    CHECK(d->request.remote_port == 514);
    CHECK(d->request.local_port == 6666);
    CHECK_FALSE(d->request.mac);
    CHECK_FALSE(d->request.dev);
    CHECK_FALSE(d->name);
}

TEST_CASE("every Red Hat variable reaches the request", "[redhat]") {
    const auto d = desired("SYSLOGADDR=doctor.example\nSYSLOGPORT=6666\nLOCALPORT=6665\n"
                           "DEV=eth1\nSYSLOGMACADDR=02:00:00:00:00:05\n");
    REQUIRE(d);
    CHECK(d->request.to == "doctor.example");
    CHECK(d->request.remote_port == 6666);
    CHECK(d->request.local_port == 6665);
    CHECK(d->request.dev == std::optional<std::string>("eth1"));
    CHECK(d->request.mac == ncs::MacAddress::parse("02:00:00:00:00:05"));
}

TEST_CASE("no SYSLOGADDR, no target; bad values name the file and line", "[redhat]") {
    CHECK_FALSE(desired("# SYSLOGADDR=\nDEV=eth0\n"));
    CHECK_THROWS_WITH(desired("SYSLOGADDR=a\nSYSLOGPORT=0\n"),
                      "/etc/sysconfig/netconsole:2: SYSLOGPORT: '0' is not a port number");
    CHECK_THROWS_WITH(desired("SYSLOGADDR=a\n\nSYSLOGMACADDR=zz\n"),
                      "/etc/sysconfig/netconsole:3: SYSLOGMACADDR: 'zz' is not a MAC address");
}
