// lib/ops/panic_watchdog.cpp: what panic-watchdog plans under a root (another system's:
// its running kernel is never planned), and what it refuses before anything changes.
#include "ops/panic_watchdog.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

using ncs::ops::PanicWatchdogRequest;
using ncs::test::TempTree;

TEST_CASE("a watchdog timeout under a second is a FieldError", "[ops][panic_watchdog]") {
    TempTree tree;
    tree.write("/sys/class/watchdog/watchdog0/identity", "i6300ESB timer\n");
    PanicWatchdogRequest request;
    request.watchdog_timeout = std::chrono::milliseconds(500);
    try {
        (void)ncs::ops::plan_panic_watchdog(ncs::Root(tree.dir()), request);
        FAIL("500ms accepted");
    } catch (const ncs::FieldError& error) {
        CHECK(error.field() == ncs::Field::watchdog);
        CHECK(std::string(error.what()) ==
              "500ms: a hardware watchdog counts whole seconds, at least 1");
    }
}

TEST_CASE("softdog alone is refused unless the host may stay down", "[ops][panic_watchdog]") {
    TempTree tree;
    tree.write("/sys/class/watchdog/watchdog0/identity", "Software Watchdog\n");
    const ncs::Root root(tree.dir());
    CHECK_THROWS_AS(ncs::ops::plan_panic_watchdog(root, {}),
                    ncs::ops::NoHardwareWatchdogError);
    PanicWatchdogRequest request;
    request.stay_down = ncs::ops::StayDown::yes;
    const auto plan = ncs::ops::plan_panic_watchdog(root, request);
    CHECK_FALSE(plan.watchdog);
    CHECK_FALSE(plan.live);
    CHECK_FALSE(plan.kernel_panic); // not the running system
    REQUIRE(plan.files.size() == 1);
    CHECK(plan.files[0].new_content->find("kernel.panic = 0") != std::string::npos);
    CHECK(plan.changes());
}

TEST_CASE("a hardware watchdog gets the systemd drop-in with the timeout",
          "[ops][panic_watchdog]") {
    TempTree tree;
    tree.write("/sys/class/watchdog/watchdog1/identity", "i6300ESB timer\n");
    PanicWatchdogRequest request;
    request.watchdog_timeout = std::chrono::milliseconds(1500);
    const auto plan = ncs::ops::plan_panic_watchdog(ncs::Root(tree.dir()), request);
    REQUIRE(plan.watchdog);
    CHECK(plan.watchdog->name == "watchdog1");
    REQUIRE(plan.files.size() == 2);
    CHECK(plan.files[1].new_content->find("RuntimeWatchdogSec=1500ms") != std::string::npos);
    CHECK(ncs::ops::systemd_timespan(std::chrono::seconds(30)) == "30s");
}
