// netconsole-setup: build the app, run the chosen subcommand, report errors.
// This is the only place that catches errors and prints them.

#include "context.hpp"
#include "errors.hpp"
#include "explain.hpp"
#include "print.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

#include <iostream>
#include <vector>

#ifndef NCS_VERSION
#error "NCS_VERSION must be defined by the build (the CMake project version)"
#endif

namespace {

constexpr const char* k_examples = R"(Examples:
  netconsole-setup --to 192.0.2.5
  netconsole-setup --to 192.0.2.5 --dev eth0 --src 192.0.2.10 --mac 52:54:00:12:34:56
  netconsole-setup explain 'netconsole=+@/eth0,6666@10.0.0.2/'
  netconsole-setup explain --root /mnt/sysimage

Without a subcommand, netconsole-setup prints (see 'netconsole-setup print --help').)";

} // namespace

int main(int argc, char** argv) {
    using namespace ncs::cli;

    CLI::App app{"Set up Linux netconsole on the sending host", std::string(k_program)};
    app.set_version_flag("--version", fmt::format("{} {}", k_program, NCS_VERSION));
    app.require_subcommand(0, 1);
    app.fallthrough(); // global options work after the subcommand too
    app.footer(k_examples);

    GlobalOptions global;
    add_global_options(app, global);
    const auto print = setup_print(app);
    const std::vector<Command> subcommands{print.subcommand, setup_explain(app)};

    try {
        app.parse(argc, argv);

        const Command* chosen = &print.default_action;
        for (const auto& command : subcommands) {
            if (command.app->parsed()) {
                chosen = &command;
            }
        }
        if (chosen != &print.default_action) {
            if (const auto option = print.default_option_given(); !option.empty()) {
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
