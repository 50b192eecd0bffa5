#include "errors.hpp"

#include "context.hpp"
#include "explain.hpp"
#include "model/errors.hpp"

#include <CLI/App.hpp>
#include <CLI/Error.hpp>
#include <fmt/format.h>

#include <system_error>

namespace ncs::cli {
namespace {

/// The most specific subcommand that was given, as "netconsole-setup explain".
std::string command_path(const CLI::App& app) {
    std::string path(k_program);
    const CLI::App* current = &app;
    while (true) {
        const auto parsed = current->get_subcommands();
        if (parsed.empty()) {
            return path;
        }
        current = parsed.front();
        path += " " + current->get_name();
    }
}

std::string help_hint(const CLI::App& app) {
    return fmt::format("see '{} --help'", command_path(app));
}

/// CLI11 messages start with the option's name ("--to: 1 required TEXT missing");
/// returns it, or "" when the message does not look like that.
std::string option_in(std::string_view message) {
    const auto colon = message.find(':');
    if (colon == std::string_view::npos || colon == 0 || message.front() != '-') {
        return {};
    }
    const auto name = message.substr(0, colon);
    if (name.find(' ') != std::string_view::npos) {
        return {};
    }
    return std::string(name);
}

ErrorReport extras(const CLI::App& app) {
    const auto remaining = app.remaining(true);
    if (remaining.empty()) {
        return {k_exit_usage, "unexpected arguments", help_hint(app)};
    }
    const auto& first = remaining.front();
    if (first.size() > 1 && first.front() == '-') {
        const auto name = first.substr(0, first.find('='));
        return {k_exit_usage, fmt::format("unknown option '{}'", name), help_hint(app)};
    }
    if (app.get_subcommands().empty()) {
        return {k_exit_usage, fmt::format("unknown command '{}'", first), help_hint(app)};
    }
    return {k_exit_usage, fmt::format("unexpected argument '{}'", first), help_hint(app)};
}

/// User text inside a message must not break the one-line rule.
std::string one_line(std::string text) {
    for (auto& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text;
}

} // namespace

ErrorReport describe_error(const std::exception& error) {
    if (const auto* sourced = dynamic_cast<const SourcedParseError*>(&error)) {
        return {k_exit_usage, fmt::format("couldn't parse config at '{}'", sourced->at()),
                fmt::format("at byte {} of the value in {}{}{}", sourced->offset() + 1,
                            sourced->source(), sourced->hint().empty() ? "" : ": ",
                            sourced->hint())};
    }
    if (const auto* parse = dynamic_cast<const ParseError*>(&error)) {
        return {k_exit_usage, fmt::format("couldn't parse config at '{}'", parse->at()),
                fmt::format("at byte {} of the value{}{}", parse->offset() + 1,
                            parse->hint().empty() ? "" : ": ", parse->hint())};
    }
    if (const auto* input = dynamic_cast<const InputError*>(&error)) {
        return {k_exit_usage, input->what(), input->hint()};
    }
    if (const auto* operation = dynamic_cast<const OperationError*>(&error)) {
        return {k_exit_failed, operation->what(), operation->hint()};
    }
    // std::system_error and anything unforeseen: the operation failed.
    return {k_exit_failed, error.what(), {}};
}

ErrorReport describe_usage_error(const CLI::Error& error, const CLI::App& app) {
    const std::string message = error.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        return extras(app);
    }
    const auto option = option_in(message);
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && !option.empty()) {
        if (message.find("At Most") != std::string::npos) {
            return {k_exit_usage, fmt::format("{} is given more than once", option),
                    help_hint(app)};
        }
        if (message.find("flag override") != std::string::npos) {
            return {k_exit_usage, fmt::format("{} takes no value", option), help_hint(app)};
        }
        return {k_exit_usage, fmt::format("{} needs a value", option), help_hint(app)};
    }
    if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
        // "Could not convert: --json = maybe"
        const auto start = message.find(": ");
        const auto end = message.find(" = ");
        if (start != std::string::npos && end != std::string::npos && end > start + 2) {
            return {k_exit_usage,
                    fmt::format("invalid value for {}", message.substr(start + 2, end - start - 2)),
                    help_hint(app)};
        }
        return {k_exit_usage, "an option has an invalid value", help_hint(app)};
    }
    return {k_exit_usage, "invalid command line", help_hint(app)};
}

std::string format_report(const ErrorReport& report) {
    auto text = fmt::format("{}: error: {}\n", k_program, one_line(report.message));
    if (!report.hint.empty()) {
        text += fmt::format("hint: {}\n", one_line(report.hint));
    }
    return text;
}

} // namespace ncs::cli
