// cli/app.cpp: the app registers only the subcommands the command line names.
#include "app.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

using ncs::cli::asks_for_help;
using ncs::cli::build_app;
using ncs::cli::GlobalOptions;

namespace {

std::vector<std::string> names_of(const ncs::cli::BuiltApp& built) {
    std::vector<std::string> names;
    for (const auto& command : built.subcommands) {
        names.push_back(command.app->get_name());
    }
    return names;
}

} // namespace

TEST_CASE("build_app with words registers the subcommand they name", "[cli][app]") {
    GlobalOptions everything_options;
    const auto everything = build_app(everything_options);
    REQUIRE(everything.subcommands.size() > 5);
    for (const auto* sub : everything.app->get_subcommands([](const CLI::App*) { return true; })) {
        for (const auto& name : sub->get_aliases()) {
            GlobalOptions options;
            const std::vector<std::string_view> words{name};
            const auto built = build_app(options, &words);
            CHECK_NOTHROW(built.app->get_subcommand_ptr(name));
        }
        GlobalOptions options;
        const std::string name = sub->get_name();
        const std::vector<std::string_view> words{"-v", name, "--to", "192.0.2.5"};
        const auto built = build_app(options, &words);
        INFO(name);
        const auto names = names_of(built);
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
        // print is always there: it is also the default action.
        CHECK(names.size() <= 4);
    }
}

TEST_CASE("build_app without a subcommand word registers print only", "[cli][app]") {
    GlobalOptions options;
    const std::vector<std::string_view> words{"--to", "192.0.2.5", "--port", "6666"};
    const auto built = build_app(options, &words);
    CHECK(names_of(built) == std::vector<std::string>{"print"});
}

TEST_CASE("help registers every subcommand, so that it lists them", "[cli][app]") {
    GlobalOptions all_options;
    const auto all = names_of(build_app(all_options));
    for (const auto* word : {"--help", "--help-all", "-h", "-vh"}) {
        GlobalOptions options;
        const std::vector<std::string_view> words{"--to", "192.0.2.5", word};
        INFO(word);
        CHECK(asks_for_help(words));
        CHECK(names_of(build_app(options, &words)) == all);
    }
    CHECK_FALSE(asks_for_help({"--to", "192.0.2.5", "-v", "--hostname-less"}));
    CHECK_FALSE(asks_for_help({"apply", "--", "-h"}));
}
