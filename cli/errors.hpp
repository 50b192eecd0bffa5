#pragma once
// How an error reaches the user: an exit code, one "netconsole-setup: error: "
// line and at most one "hint: " line. Pure logic, used by main.

#include <exception>
#include <string>

namespace CLI {
class App;
class Error;
}

namespace ncs::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;

struct ErrorReport {
    int exit_code = k_exit_failed;
    std::string message; ///< without the "netconsole-setup: error: " prefix
    std::string hint;    ///< without "hint: "; empty for none
};

/// Maps a library or OS exception to its report (InputError 2, everything else 1).
/// A ParseError reports its position 1-based ("at byte 1" is the first byte).
ErrorReport describe_error(const std::exception& error);

/// Maps a CLI11 parse error to our own wording (always exit 2); app is the root app
/// after the failed parse, to find the offending arguments and subcommand.
ErrorReport describe_usage_error(const CLI::Error& error, const CLI::App& app);

/// The two lines (or one) as printed on stderr, each ending in '\n'.
std::string format_report(const ErrorReport& report);

} // namespace ncs::cli
