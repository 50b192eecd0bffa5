// lib/ops/apply.cpp: the request is checked once, when made (make_apply_request), before
// anything reads the system; it is a dry run until the caller gives it the kernel.
#include "ops/apply.hpp"

#include "model/errors.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

namespace {

ncs::reconcile::DesiredTarget desired(std::string to, std::optional<std::string> name,
                                      std::string where = "command line") {
    ncs::reconcile::DesiredTarget d;
    d.where = std::move(where);
    d.request.to = std::move(to);
    d.name = std::move(name);
    return d;
}

} // namespace

TEST_CASE("an apply request is checked when made", "[ops][apply]") {
    const ncs::test::TempTree tree;
    const ncs::Root root(tree.dir());
    const auto request = ncs::ops::make_apply_request(
        {desired("192.0.2.5", "doctor"), desired("192.0.2.6", std::nullopt)}, 8, root);
    CHECK(request.desired.size() == 2);
    CHECK(request.console_level == 8);
    CHECK_FALSE(request.kernel.has_value()); // a dry run until given the kernel
    CHECK(request.root == &root);
    CHECK(request.name_each == ncs::ops::NameEach::when_several);
    CHECK_FALSE(request.configuration_complete.has_value());
}

TEST_CASE("an apply request refuses a name given twice, naming where", "[ops][apply]") {
    const ncs::test::TempTree tree;
    const ncs::Root root(tree.dir());
    CHECK_THROWS_WITH(
        ncs::ops::make_apply_request({desired("192.0.2.5", "w", "/etc/netconsole-setup.conf:1"),
                                      desired("192.0.2.6", "w", "/etc/netconsole-setup.conf:2")},
                                     std::nullopt, root),
        "/etc/netconsole-setup.conf:2: a second target named w");
}

TEST_CASE("an apply request refuses a console level outside 1-8 as that field",
          "[ops][apply]") {
    const ncs::test::TempTree tree;
    const ncs::Root root(tree.dir());
    try {
        ncs::ops::make_apply_request({desired("192.0.2.5", std::nullopt)}, 9, root);
        FAIL("level 9 accepted");
    } catch (const ncs::FieldError& error) {
        CHECK(error.field() == ncs::Field::console_level);
    }
}

TEST_CASE("an apply request refuses a bad target name before any resolution", "[ops][apply]") {
    const ncs::test::TempTree tree;
    const ncs::Root root(tree.dir());
    CHECK_THROWS_AS(ncs::ops::make_apply_request({desired("192.0.2.5", "a/b")}, std::nullopt, root),
                    ncs::InputError);
}
