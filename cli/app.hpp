#pragma once
// The CLI11 app with its global options and every subcommand registered. main
// parses and runs it; tests walk it (the completion and man page drift test).

#include "context.hpp"

#include <CLI/App.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::cli {

/// The built app and what runs for each of its subcommands.
struct BuiltApp {
    std::unique_ptr<CLI::App> app;
    /// One entry per registered subcommand, in registration order.
    std::vector<Command> subcommands;
    /// What runs when no subcommand was given (print with the app's own target options).
    Command default_action;
    /// The first target option given to the app itself (before any subcommand), or "".
    std::function<std::string()> default_option_given;
    /// What --version prints. --version is a plain flag that main answers after
    /// parsing: CLI11's set_version_flag throws CallForVersion, and a run's first
    /// exception sets up the unwinder (bench/startup.sh: about 0.1 ms of start-up).
    std::string version;
};

/// Builds the app; global is bound to the global options and must outlive the app.
/// Given the command line's words (argv after the program name), a subcommand is
/// registered only when a word names it, or a word asks for help (which lists them
/// all): parsing needs nothing else, and each subcommand's options cost start-up
/// time. Without words, every subcommand is registered (tests walk the whole app).
BuiltApp build_app(GlobalOptions& global, const std::vector<std::string_view>* words = nullptr);

/// Whether words ask CLI11 for help: --help, --help-all, or a short-flag cluster with h.
bool asks_for_help(const std::vector<std::string_view>& words);

} // namespace ncs::cli
