// The Debian netconsole-setup 0.3 form [+][PORT]@HOST, word by word.
#include "compat.hpp"

// compat.o links apply.o, which builds CLI11 apps: CLI11 emits the Formatter and
// Config vtables only where these headers are included (main.cpp in the binary).
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <catch2/catch.hpp>

using ncs::cli::CompatTarget;
using ncs::cli::parse_compat_target;

TEST_CASE("the Debian form: '+' is extended, PORT the remote port, the rest the host",
          "[compat]") {
    CHECK(parse_compat_target("@doctor") == CompatTarget{false, std::nullopt, "doctor"});
    CHECK(parse_compat_target("+@doctor") == CompatTarget{true, std::nullopt, "doctor"});
    CHECK(parse_compat_target("6666@doctor") == CompatTarget{false, 6666, "doctor"});
    CHECK(parse_compat_target("+514@doctor.example") == CompatTarget{true, 514, "doctor.example"});
    CHECK(parse_compat_target("192.0.2.5") == CompatTarget{false, std::nullopt, "192.0.2.5"});
    CHECK(parse_compat_target("doctor.example") ==
          CompatTarget{false, std::nullopt, "doctor.example"});
}

TEST_CASE("the Debian form takes IPv6 addresses bare, and in brackets", "[compat]") {
    CHECK(parse_compat_target("2001:db8::5") == CompatTarget{false, std::nullopt, "2001:db8::5"});
    CHECK(parse_compat_target("+6666@2001:db8::5") == CompatTarget{true, 6666, "2001:db8::5"});
    CHECK(parse_compat_target("@[2001:db8::5]") ==
          CompatTarget{false, std::nullopt, "2001:db8::5"});
    CHECK(parse_compat_target("[2001:db8::5]") ==
          CompatTarget{false, std::nullopt, "2001:db8::5"});
}

TEST_CASE("only a '+' and digits before the '@' are a prefix, as in Debian's regex",
          "[compat]") {
    // ^((\+)?([0-9]+)?@)?(.+)$: "x@host" has no prefix, the whole word is the host.
    CHECK(parse_compat_target("x@doctor.example").host == "x@doctor.example");
    CHECK(parse_compat_target("+@6666@doctor").host == "6666@doctor");
}

TEST_CASE("a bare word without a dot or colon is taken for a mistyped command", "[compat]") {
    CHECK_THROWS_WITH(parse_compat_target("frobnicate"), "unknown command 'frobnicate'");
    CHECK_THROWS_WITH(parse_compat_target("lsit"), "unknown command 'lsit'");
}

TEST_CASE("the Debian form refuses what cannot be a port, a host or a target name",
          "[compat]") {
    CHECK_THROWS_AS(parse_compat_target("@"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("+@"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("@[]"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("70000@doctor"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("0@doctor"), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("@.."), ncs::InputError);
    CHECK_THROWS_AS(parse_compat_target("@a/b.example"), ncs::InputError);
    CHECK_THROWS_WITH(parse_compat_target("+doctor.example"),
                      "'+doctor.example' is not a host name");
}
