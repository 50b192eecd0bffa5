#include "model/duration.hpp"
#include "model/errors.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

TEST_CASE("durations accept seconds and milliseconds") {
    CHECK(ncs::parse_duration("2") == 2000ms);
    CHECK(ncs::parse_duration("2s") == 2000ms);
    CHECK(ncs::parse_duration("1.5s") == 1500ms);
    CHECK(ncs::parse_duration("500ms") == 500ms);
    CHECK_THROWS_AS(ncs::parse_duration(""), ncs::InputError);
    CHECK_THROWS_AS(ncs::parse_duration("2m"), ncs::InputError);
    CHECK_THROWS_AS(ncs::parse_duration("-1"), ncs::InputError);
    CHECK_THROWS_AS(ncs::parse_duration("ms"), ncs::InputError);
}
