#pragma once
// What every subcommand gets: the global options, the filesystem root, and
// the one object through which cli/ writes to stdout and stderr.

#include "model/errors.hpp"
#include "model/target_request.hpp"
#include "system/root.hpp"

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace ncs::cli {

inline constexpr std::string_view k_program = "netconsole-setup";

/// --json, -v, -q, --root: options of the app itself, valid before or after a subcommand.
struct GlobalOptions {
    bool json = false;
    bool verbose = false;
    bool quiet = false;
    std::string root = "/";
};

/// How printable() writes what it escapes.
enum class Escapes {
    c_like, ///< \n, \t, \r, \\ and \xNN
    kernel, ///< \xNN only, as the kernel escapes record text; its own "\xNN" kept
};

/// text as it may reach a terminal or a text file: control characters (newline,
/// escape, C1 raw or as U+0080-U+009F), bidi controls (U+202E...), bytes that are
/// not UTF-8, and the backslash escaped, so user or sender text (an interface name,
/// a value from a file, a received record) can neither break a line, reorder it,
/// nor drive the terminal. Valid UTF-8 ("—") stays as it is. The one rule.
std::string printable(std::string_view text, Escapes style = Escapes::c_like);

/// Whether a code point of U+0080 and up may reach a terminal as it is: not a C1
/// control, a surrogate or a bidi control (printable()'s rule, for JSON too).
bool is_printable_code_point(char32_t code);

/// Binds GlobalOptions to the app.
void add_global_options(CLI::App& app, GlobalOptions& options);

/// Writes results to stdout and diagnostics to stderr, honouring -q and -v.
class Output {
public:
    Output(std::ostream& out, std::ostream& err, const GlobalOptions& options);

    /// The stream for the command's result (stdout).
    std::ostream& result() { return m_out; }
    /// The stream for a long-running command's summaries (stderr), shown even under -q.
    std::ostream& status() { return m_err; }
    /// "netconsole-setup: warning: [context: ]message" and its "hint: " line; silent under -q.
    void warning(const Warning& warning, std::string_view context = {});
    /// "netconsole-setup: note: message" and its "hint: " line; silent under -q.
    void note(std::string_view message, std::string_view hint = {});
    /// One resolution step, only under -v.
    void step(const Step& step, std::string_view context = {});
    /// Whether resolution() shows the "needs Linux X" warnings: commands that read
    /// the kernel's features themselves fail with that version instead.
    enum class VersionWarnings { show, hide };
    /// The steps (under -v) and the warnings of one resolution, prefixed with context.
    void resolution(const Resolution& resolution, std::string_view context,
                    VersionWarnings versions = VersionWarnings::show);

private:
    std::ostream& m_out;
    std::ostream& m_err;
    bool m_quiet;
    bool m_verbose;
};

struct Context {
    const GlobalOptions& global;
    Root root;
    Output& output;
};

/// A registered subcommand: its CLI11 app and what runs when it was given.
struct Command {
    CLI::App* app = nullptr;
    std::function<void(const Context&)> run;
};

} // namespace ncs::cli
