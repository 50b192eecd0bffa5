#pragma once
// How an error reaches the user: an exit code, one "netconsole-setup: error: "
// line and at most one "hint: " line. Pure logic, used by main.

#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Error;
}

namespace ncs {
class FieldError;
class InputError;
} // namespace ncs

namespace ncs::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_failed = 1;
inline constexpr int k_exit_usage = 2;

struct ErrorReport {
    int exit_code = k_exit_failed;
    std::string message; ///< without the "netconsole-setup: error: " prefix
    std::string hint;    ///< without "hint: "; empty for none
    std::string target{}; ///< the failing target of several ("target 2 (192.0.2.6)"); else empty
};

/// Several targets failed, each for its own reason: main reports every one.
class TargetErrors : public std::exception {
public:
    struct Failure {
        std::string target; ///< "target 2 (192.0.2.6)"
        std::exception_ptr error;
    };
    explicit TargetErrors(std::vector<Failure> failures);
    const char* what() const noexcept override { return "several targets failed"; }
    const std::vector<Failure>& failures() const noexcept { return m_failures; }

private:
    std::vector<Failure> m_failures;
};

/// A library FieldError as the CLI says it: "FLAG: message" (the request field phrased as
/// the option that gave it), its hint kept; flag "" (a positional) keeps the message.
InputError flag_error(const FieldError& error, std::string_view flag);

/// Maps a library or OS exception to its report (InputError 2, everything else 1).
/// A ParseError reports its position 1-based ("at byte 1" is the first byte).
ErrorReport describe_error(const std::exception& error);

/// describe_error() of a caught error (a watch's failure); "unknown error" for one that
/// is no std::exception.
ErrorReport describe_error(const std::exception_ptr& error);

/// Maps a CLI11 parse error to our own wording (always exit 2); app is the root app
/// after the failed parse, to find the offending arguments and subcommand.
ErrorReport describe_usage_error(const CLI::Error& error, const CLI::App& app);

/// The two lines (or one) as printed on stderr, each ending in '\n'.
std::string format_report(const ErrorReport& report);

/// The reports of error: one per target of a TargetErrors (message prefixed with the
/// target), else one.
std::vector<ErrorReport> describe_errors(const std::exception& error);

/// The exit code of several reports: 2 when any is invalid input or usage (the command
/// line must change), else 1.
int exit_code_of(const std::vector<ErrorReport>& reports);

/// What --json prints on stdout when the command fails:
/// {"errors": [{"target", "message", "hint"}...], "exit_code"} (target and hint null
/// when there are none), pretty-printed and followed by a newline.
std::string json_report(const std::vector<ErrorReport>& reports);

} // namespace ncs::cli
