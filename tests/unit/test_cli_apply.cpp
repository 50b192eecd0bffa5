// cli/apply.cpp: the pure parsers of --userdata and --sysdata.
#include "apply.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

using ncs::cli::parse_sysdata;
using ncs::cli::parse_userdata;

TEST_CASE("the --userdata option splits at the first '='", "[cli][apply]") {
    CHECK(parse_userdata("host=web1") == ncs::UserdataEntry{"host", "web1"});
    CHECK(parse_userdata("k=a=b") == ncs::UserdataEntry{"k", "a=b"});
    CHECK(parse_userdata("k=") == ncs::UserdataEntry{"k", ""});
    CHECK_THROWS_AS(parse_userdata("=v"), ncs::InputError);
    CHECK_THROWS_AS(parse_userdata("novalue"), ncs::InputError);
}

TEST_CASE("the --sysdata option takes any subset of the four switches", "[cli][apply]") {
    const auto all = parse_sysdata("cpu_nr,taskname,release,msgid");
    CHECK((all.cpu_nr && all.taskname && all.release && all.msgid));
    CHECK_FALSE(parse_sysdata("").any());
    CHECK(parse_sysdata("msgid").msgid);
    CHECK_THROWS_WITH(parse_sysdata("cpu"), "--sysdata: unknown switch 'cpu'");
    CHECK_THROWS_AS(parse_sysdata("taskname,"), ncs::InputError);
}
