#include "context.hpp"
#include "options.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

namespace ncs::cli {
namespace {

/// Unicode's bidirectional formatting characters (ALM, LRM, RLM, the embeddings and
/// overrides U+202A-U+202E, the isolates U+2066-U+2069): invisible, they reorder
/// what follows on the line, so a sender could make a line read otherwise.
bool is_bidi_control(char32_t code) {
    return code == 0x061c || code == 0x200e || code == 0x200f || (code >= 0x202a && code <= 0x202e) ||
           (code >= 0x2066 && code <= 0x2069);
}

bool is_kernel_escape(std::string_view text) {
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    return text.size() >= 4 && text[1] == 'x' && hex(text[2]) && hex(text[3]);
}

/// The length of the UTF-8 sequence of a printable code point (U+00A0 and up, no
/// surrogates, no overlong forms, no bidi controls) at the start of text, or 0.
std::size_t utf8_printable_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    char32_t code = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        code = lead & 0x1fU;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        code = lead & 0x0fU;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        code = lead & 0x07U;
    } else {
        return 0;
    }
    if (text.size() < length) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0U) != 0x80U) {
            return 0;
        }
        code = (code << 6U) | (byte(i) & 0x3fU);
    }
    const char32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (code < smallest || !is_printable_code_point(code)) {
        return 0; // overlong, a C1 control, a surrogate, beyond Unicode, bidi
    }
    return length;
}

} // namespace

bool is_printable_code_point(char32_t code) {
    return code >= 0xa0 && !(code >= 0xd800 && code <= 0xdfff) && code <= 0x10ffff &&
           !is_bidi_control(code);
}

std::string printable(std::string_view text, Escapes style) {
    std::string out;
    out.reserve(text.size());
    const bool kernel = style == Escapes::kernel;
    while (!text.empty()) {
        const auto c = static_cast<unsigned char>(text.front());
        std::size_t taken = 1;
        if (c == '\\' && kernel && is_kernel_escape(text)) {
            out += '\\'; // the kernel's own escape of a byte, kept as it came
        } else if (c == '\\' && !kernel) {
            out += "\\\\";
        } else if (kernel && c < 0x20) {
            out += fmt::format("\\x{:02x}", c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else if (const auto length = c >= 0x80 ? utf8_printable_length(text) : 0; length > 0) {
            out += text.substr(0, length);
            taken = length;
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
        text.remove_prefix(taken);
    }
    return out;
}

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
    m_err << fmt::format("{}: warning: {}{}{}\n", k_program, printable(context),
                         context.empty() ? "" : ": ", printable(in_flags(warning.message)));
    if (const auto hint = hint_of(warning); !hint.empty()) {
        m_err << fmt::format("hint: {}\n", printable(hint));
    }
}

void Output::note(std::string_view message, std::string_view hint) {
    if (m_quiet) {
        return;
    }
    m_err << fmt::format("{}: note: {}\n", k_program, printable(in_flags(message)));
    if (!hint.empty()) {
        m_err << fmt::format("hint: {}\n", printable(in_flags(hint)));
    }
}

void Output::step(const Step& step, std::string_view context) {
    if (!m_verbose) {
        return;
    }
    const auto ms = std::chrono::duration<double, std::milli>(step.elapsed).count();
    m_err << fmt::format("{}: {}{}{} ({:.1f} ms)\n", k_program, printable(context),
                         context.empty() ? "" : ": ", printable(in_flags(step.text)), ms);
}

void Output::resolution(const Resolution& resolution, std::string_view context,
                        VersionWarnings versions) {
    for (const auto& s : resolution.steps) {
        step(s, context);
    }
    for (const auto& w : resolution.warnings) {
        if (versions == VersionWarnings::hide &&
            w.kind == Warning::Kind::needs_newer_kernel) { // by kind, never by text
            continue;
        }
        warning(w, context);
    }
}

} // namespace ncs::cli
