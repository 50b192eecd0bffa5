#include "context.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

namespace ncs::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_flag("--json", options.json, "Print the result as JSON on stdout")
        ->group("Global options");
    app.add_flag("-v,--verbose", options.verbose, "Explain each step on stderr")
        ->group("Global options");
    app.add_flag("-q,--quiet", options.quiet, "Print no warnings")->group("Global options");
    app.add_option("--root", options.root,
                   "Prefix for every /sys, /proc and /etc path (default /)")
        ->type_name("DIR")
        ->group("Global options");
}

Output::Output(std::ostream& out, std::ostream& err, const GlobalOptions& options)
    : m_out(out), m_err(err), m_quiet(options.quiet), m_verbose(options.verbose) {}

void Output::warning(const Warning& warning, std::string_view context) {
    if (m_quiet) {
        return;
    }
    m_err << fmt::format("{}: warning: {}{}{}\n", k_program, context, context.empty() ? "" : ": ",
                         warning.message);
    if (!warning.hint.empty()) {
        m_err << fmt::format("hint: {}\n", warning.hint);
    }
}

void Output::note(std::string_view message, std::string_view hint) {
    if (m_quiet) {
        return;
    }
    m_err << fmt::format("{}: note: {}\n", k_program, message);
    if (!hint.empty()) {
        m_err << fmt::format("hint: {}\n", hint);
    }
}

void Output::step(const Step& step, std::string_view context) {
    if (!m_verbose) {
        return;
    }
    const auto ms = std::chrono::duration<double, std::milli>(step.elapsed).count();
    m_err << fmt::format("{}: {}{}{} ({:.1f} ms)\n", k_program, context,
                         context.empty() ? "" : ": ", step.text, ms);
}

void Output::resolution(const Resolution& resolution, std::string_view context,
                        VersionWarnings versions) {
    for (const auto& s : resolution.steps) {
        step(s, context);
    }
    for (const auto& w : resolution.warnings) {
        if (versions == VersionWarnings::hide &&
            w.message.find("needs Linux") != std::string::npos) {
            continue;
        }
        warning(w, context);
    }
}

} // namespace ncs::cli
