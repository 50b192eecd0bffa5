// netconsole-setup: build the app, run the chosen subcommand, report errors.
// This is the only place that catches errors and prints them.

#include "app.hpp"
#include "context.hpp"
#include "errors.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

using namespace ncs::cli;

bool is_open(int fd) {
    return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/// A closed stdin or stderr gets /dev/null, so that no file the command opens
/// becomes fd 0 or 2 (and receives what is meant for the terminal). Returns whether
/// stdout is open.
bool standard_streams_ready() {
    for (const int fd : {STDIN_FILENO, STDERR_FILENO}) {
        if (!is_open(fd)) {
            const int null = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (null >= 0 && null != fd) {
                dup2(null, fd);
                close(null);
            }
        }
    }
    return is_open(STDOUT_FILENO);
}

/// stdout through write(2), keeping the errno of the first write that failed (a full
/// disk, a closed pipe): std::cout would lose it when stderr's tie flushes it early.
class ResultBuffer : public std::streambuf {
public:
    ResultBuffer() { reset(); }
    /// The errno of the first failed write, or nullopt.
    std::optional<int> error() const { return m_error; }

protected:
    int_type overflow(int_type c) override {
        if (!drain()) {
            return traits_type::eof();
        }
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    void reset() { setp(m_buffer.data(), m_buffer.data() + m_buffer.size()); }
    /// Writes what is buffered; after a failure, what follows is dropped.
    bool drain() {
        const char* next = pbase();
        while (!m_error && next < pptr()) {
            const auto size = static_cast<std::size_t>(pptr() - next);
            const auto written = ::write(STDOUT_FILENO, next, size);
            if (written < 0 && errno != EINTR) {
                m_error = errno;
            } else if (written > 0) {
                next += written;
            }
        }
        reset();
        return !m_error;
    }

    std::array<char, 8192> m_buffer{};
    std::optional<int> m_error;
};

/// Ties stderr to the result stream for as long as that stream lives: the result so
/// far comes before a warning or an error. Restoring the old tie matters, as
/// std::ios_base::Init flushes cerr's tie at exit, after main's locals are gone.
class TieStderr {
public:
    explicit TieStderr(std::ostream& out) : m_previous(std::cerr.tie(&out)) {}
    ~TieStderr() { std::cerr.tie(m_previous); }
    TieStderr(const TieStderr&) = delete;
    TieStderr& operator=(const TieStderr&) = delete;

private:
    std::ostream* m_previous;
};

/// The exit code, after making sure the result reached stdout: a result that could
/// not be written is the command's failure (exit 1), reported on one line.
int finish(std::ostream& out, const ResultBuffer& buffer, int code) {
    out.flush();
    if (const auto error = buffer.error()) {
        std::cerr << format_report({k_exit_failed,
                                    fmt::format("cannot write the result to stdout: {}",
                                                std::strerror(*error)),
                                    {}});
        return k_exit_failed;
    }
    return code;
}

/// Every report on stderr, and under --json the JSON error object on stdout.
int fail(std::ostream& out, const std::vector<ErrorReport>& reports, bool json) {
    for (const auto& report : reports) {
        std::cerr << format_report(report);
    }
    if (json) {
        out << json_report(reports);
        out.flush(); // the error is already on stderr; a failed write adds nothing
    }
    return exit_code_of(reports);
}

} // namespace

int main(int argc, char** argv) {
    if (!standard_streams_ready()) {
        // Checked before anything runs: apply would change the system and then
        // fail to say what it did.
        std::cerr << format_report(
            {k_exit_failed, "stdout is closed: the result could not be written", {}});
        return k_exit_failed;
    }

    ResultBuffer result_buffer;
    std::ostream out(&result_buffer);
    const TieStderr tie(out);

    GlobalOptions global;
    // Only the subcommands argv names are registered (cli/app.cpp): start-up cost.
    const std::vector<std::string_view> words(argv + 1, argv + argc);
    auto built = build_app(global, &words);
    auto& app = *built.app;
    // --json is known once parsing got that far, even when it failed later.
    const auto json_asked = [&] {
        return global.json || app.get_option("--json")->count() > 0;
    };

    try {
        app.parse(argc, argv);
        if (app.get_option("--version")->count() > 0) {
            out << built.version << '\n';
            return finish(out, result_buffer, k_exit_ok);
        }

        const Command* chosen = &built.default_action;
        for (const auto& command : built.subcommands) {
            if (command.app->parsed()) {
                chosen = &command;
            }
        }
        if (chosen != &built.default_action) {
            if (const auto option = built.default_option_given(); !option.empty()) {
                const auto& verb = chosen->app->get_name();
                if (chosen->app->get_option_no_throw(option) != nullptr) {
                    // Before the subcommand it went to the default action (print).
                    throw ncs::InputError(
                        fmt::format("{} must come after the subcommand", option),
                        fmt::format("{} {} {} ...", k_program, verb, option));
                }
                throw ncs::InputError(
                    fmt::format("{} is not an option of '{}'", option, chosen->app->get_name()),
                    fmt::format("see '{} {} --help'", k_program, chosen->app->get_name()));
            }
        }

        Output output(out, std::cerr, global);
        const Context context{global, ncs::Root(global.root), output};
        chosen->run(context);
        return finish(out, result_buffer, k_exit_ok);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return finish(out, result_buffer, k_exit_ok);
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return finish(out, result_buffer, k_exit_ok);
    } catch (const CLI::Error& e) {
        return fail(out, {describe_usage_error(e, app)}, json_asked());
    } catch (const std::exception& e) {
        return fail(out, describe_errors(e), json_asked());
    }
}
