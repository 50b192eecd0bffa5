// /proc/sys/kernel/printk parsing, the console level warnings, the test
// message level and set_console_loglevel's input check.
#include "system/printk.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

using ncs::PrintkLevels;

namespace {

/// A temporary --root holding one printk file.
class PrintkRoot {
public:
    explicit PrintkRoot(const std::string& text) {
        std::string pattern = (std::filesystem::temp_directory_path() / "ncs-printk-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_dir = pattern;
        std::filesystem::create_directories(m_dir / "proc/sys/kernel");
        std::ofstream(m_dir / "proc/sys/kernel/printk") << text;
    }
    PrintkRoot(const PrintkRoot&) = delete;
    PrintkRoot& operator=(const PrintkRoot&) = delete;
    ~PrintkRoot() {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    ncs::Root root() const { return ncs::Root(m_dir); }

private:
    std::filesystem::path m_dir;
};

} // namespace

TEST_CASE("printk text is four integers separated by tabs", "[printk]") {
    CHECK(ncs::parse_printk_levels("4\t4\t1\t7\n") == PrintkLevels{4, 4, 1, 7});
    CHECK(ncs::parse_printk_levels("8 4 1 7") == PrintkLevels{8, 4, 1, 7});
    CHECK(ncs::parse_printk_levels("15\t4\t1\t7\n") == PrintkLevels{15, 4, 1, 7});
}

TEST_CASE("printk text that is not four integers is refused", "[printk]") {
    CHECK_FALSE(ncs::parse_printk_levels(""));
    CHECK_FALSE(ncs::parse_printk_levels("4\t4\t1\n"));
    CHECK_FALSE(ncs::parse_printk_levels("4\t4\t1\t7\t9\n"));
    CHECK_FALSE(ncs::parse_printk_levels("4\t4\tx\t7\n"));
    CHECK_FALSE(ncs::parse_printk_levels("4.5\t4\t1\t7\n"));
}

TEST_CASE("printk levels are read under the root", "[printk]") {
    const PrintkRoot tree("7\t4\t1\t7\n");
    CHECK(ncs::read_printk_levels(tree.root()) == PrintkLevels{7, 4, 1, 7});
}

TEST_CASE("a missing or garbled printk file is an error naming it", "[printk]") {
    const PrintkRoot garbled("seven\n");
    CHECK_THROWS_AS(ncs::read_printk_levels(garbled.root()), ncs::OperationError);
    const ncs::test::TempTree empty;
    CHECK_THROWS_AS(ncs::read_printk_levels(ncs::Root(empty.dir())), std::system_error);
}

TEST_CASE("console level 8 hides nothing, below 8 debug, below 5 warnings", "[printk]") {
    CHECK(ncs::check_console_loglevel(8).empty());
    const auto seven = ncs::check_console_loglevel(7);
    REQUIRE(seven.size() == 1);
    CHECK(seven[0].message ==
          "console log level 7 hides debug messages: only levels 0-6 (emerg..info) are sent");
    const auto five = ncs::check_console_loglevel(5);
    REQUIRE(five.size() == 1);
    CHECK(five[0].message.find("hides debug messages") != std::string::npos);
    const auto four = ncs::check_console_loglevel(4);
    REQUIRE(four.size() == 1);
    CHECK(four[0].message == "console log level 4 hides warnings and debug messages: only "
                             "levels 0-3 (emerg..err) are sent");
    CHECK(ncs::check_console_loglevel(0).at(0).message ==
          "console log level 0 sends no message at all");
    // Typed, so the CLI gives its own command as the hint; the library names none.
    CHECK(four[0].kind == ncs::Warning::Kind::console_quiet);
    CHECK(four[0].hint == "console log level 8 lets every message through");
}

TEST_CASE("the test message level is the highest that passes the console level", "[printk]") {
    CHECK(ncs::test_message_level({8, 4, 1, 7}) == 7);
    CHECK(ncs::test_message_level({6, 4, 1, 7}) == 5);
    CHECK(ncs::test_message_level({1, 4, 1, 7}) == 0);
    CHECK(ncs::test_message_level({15, 4, 1, 7}) == 7); // debug is the highest level
}

TEST_CASE("level names are the kernel's", "[printk]") {
    CHECK(ncs::loglevel_name(0) == "emerg");
    CHECK(ncs::loglevel_name(4) == "warning");
    CHECK(ncs::loglevel_name(7) == "debug");
    CHECK(ncs::loglevel_name(8) == "?");
}

TEST_CASE("set_console_loglevel refuses levels outside 1-8 before calling the kernel",
          "[printk]") {
    // Out-of-range levels throw InputError; the kernel is never asked.
    const auto kernel = ncs::Root("/").live_kernel("the test");
    CHECK_THROWS_AS(ncs::set_console_loglevel(kernel, 0), ncs::InputError);
    CHECK_THROWS_AS(ncs::set_console_loglevel(kernel, 9), ncs::InputError);
    CHECK_THROWS_AS(ncs::set_console_loglevel(kernel, -1), ncs::InputError);
}
