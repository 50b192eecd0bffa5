// netconsole-setup: build the app, run the chosen subcommand, report errors.
// This is the only place that catches errors and prints them.

#include "app.hpp"
#include "context.hpp"
#include "errors.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
    using namespace ncs::cli;

    GlobalOptions global;
    // Only the subcommands argv names are registered (cli/app.cpp): start-up cost.
    const std::vector<std::string_view> words(argv + 1, argv + argc);
    auto built = build_app(global, &words);
    auto& app = *built.app;

    try {
        app.parse(argc, argv);

        const Command* chosen = &built.default_action;
        for (const auto& command : built.subcommands) {
            if (command.app->parsed()) {
                chosen = &command;
            }
        }
        if (chosen != &built.default_action) {
            if (const auto option = built.default_option_given(); !option.empty()) {
                throw ncs::InputError(
                    fmt::format("{} is not an option of '{}'", option, chosen->app->get_name()),
                    fmt::format("see '{} {} --help'", k_program, chosen->app->get_name()));
            }
        }

        Output output(std::cout, std::cerr, global);
        const Context context{global, ncs::Root(global.root), output};
        chosen->run(context);
        std::cout.flush();
        return std::cout ? k_exit_ok : k_exit_failed;
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return k_exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return k_exit_ok;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << '\n';
        return k_exit_ok;
    } catch (const CLI::Error& e) {
        const auto report = describe_usage_error(e, app);
        std::cerr << format_report(report);
        return report.exit_code;
    } catch (const std::exception& e) {
        const auto report = describe_error(e);
        std::cerr << format_report(report);
        return report.exit_code;
    }
}
