#include "forward/forward_url.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

using namespace ncs::forward;

TEST_CASE("forward URLs: the three schemes with their well-known ports") {
    CHECK(parse_forward_url("udp://logs.example") ==
          ForwardUrl{Transport::udp, "logs.example", 514});
    CHECK(parse_forward_url("tcp://10.0.0.5") == ForwardUrl{Transport::tcp, "10.0.0.5", 601});
    CHECK(parse_forward_url("tls://10.0.0.5:16514") ==
          ForwardUrl{Transport::tls, "10.0.0.5", 16514});
    CHECK(parse_forward_url("tcp://[2001:db8::1]:1514") ==
          ForwardUrl{Transport::tcp, "2001:db8::1", 1514});
    CHECK(parse_forward_url("tls://[2001:db8::1]").port == 6514);
    CHECK(parse_forward_url("tcp://[2001:db8::1]:1514/").to_string() == "tcp://[2001:db8::1]:1514");
}

TEST_CASE("forward URLs: bad input is refused with the part at fault") {
    for (const auto* text :
         {"logs.example:514", "http://logs.example", "tcp://", "tcp://host:", "tcp://host:0",
          "tcp://host:65536", "tcp://host:+5", "tcp://host:5x", "tcp://2001:db8::1",
          "tcp://[10.0.0.1]:5", "tcp://[2001:db8::1", "tcp://[2001:db8::1]x", "tcp://a b",
          "udp://ho$t"}) {
        CAPTURE(text);
        CHECK_THROWS_AS(parse_forward_url(text), ncs::InputError);
    }
    CHECK_THROWS_WITH(parse_forward_url("tcp://2001:db8::1"),
                      Catch::Contains("an IPv6 address goes in brackets"));
}
