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

TEST_CASE("durations refuse what is not a finite decimal number within an hour") {
    // std::from_chars reads these; "nan" and "-nan" passed every range check and
    // became INT64_MIN ms.
    for (const auto* text : {"nan", "-nan", "nanms", "NAN", "nans", "inf", "-inf", "infinity",
                             "infms", "+1", " 1", "1 ", "0x10", "1e3", "1e400", ".", ".s",
                             "1..5", "1.5.0", "3600001ms", "3600.001s", "3601",
                             "99999999999999999999999999999999999999999999"}) {
        INFO(text);
        CHECK_THROWS_AS(ncs::parse_duration(text), ncs::InputError);
    }
}

TEST_CASE("durations at the edges of the range") {
    CHECK(ncs::parse_duration("0") == 0ms);
    CHECK(ncs::parse_duration(".5s") == 500ms);
    CHECK(ncs::parse_duration("1.") == 1000ms);
    CHECK(ncs::parse_duration("3600") == 3'600'000ms);
    CHECK(ncs::parse_duration("3600000ms") == 3'600'000ms);
    CHECK(ncs::parse_duration("0.0004s") == 0ms);
}
