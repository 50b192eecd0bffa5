#include "model/console_level.hpp"
#include "model/errors.hpp"

#include <catch2/catch.hpp>

TEST_CASE("console levels are the decimals 1 to 8") {
    CHECK(ncs::parse_console_level("1") == 1);
    CHECK(ncs::parse_console_level("8") == 8);
    for (const auto* text : {"", "0", "9", "-1", "+1", " 1", "1 ", "08x", "debug", "1.0"}) {
        INFO(text);
        CHECK_THROWS_AS(ncs::parse_console_level(text), ncs::FieldError);
    }
}

TEST_CASE("a console level error names the field and gives one hint") {
    try {
        ncs::parse_console_level("9");
        FAIL("9 accepted");
    } catch (const ncs::FieldError& error) {
        CHECK(error.field() == ncs::Field::console_level);
        CHECK(std::string(error.what()) == "'9' is not a console log level");
        CHECK(error.hint() == "a level from 1 to 8; messages below it reach the console (8: all)");
    }
}

TEST_CASE("validate_console_level checks a number with the same rule") {
    CHECK_NOTHROW(ncs::validate_console_level(1));
    CHECK_NOTHROW(ncs::validate_console_level(8));
    CHECK_THROWS_AS(ncs::validate_console_level(0), ncs::FieldError);
    CHECK_THROWS_WITH(ncs::validate_console_level(9), "'9' is not a console log level");
}
