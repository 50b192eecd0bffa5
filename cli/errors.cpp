#include "errors.hpp"

#include "context.hpp"
#include "json.hpp"
#include "model/errors.hpp"
#include "options.hpp"
#include "ops/config.hpp"
#include "ops/explain.hpp"
#include "ops/owned_files.hpp"

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

} // namespace

InputError flag_error(const FieldError& error, std::string_view flag) {
    InputError phrased(flag.empty() ? in_flags(error.text())
                                    : fmt::format("{}: {}", flag, in_flags(error.text())),
                       in_flags(error.hint()));
    phrased.locate(error.where());
    return phrased;
}

ErrorReport describe_error(const std::exception& error) {
    if (const auto* sourced = dynamic_cast<const SourcedParseError*>(&error)) {
        return {k_exit_usage, fmt::format("couldn't parse config at '{}'", sourced->at()),
                fmt::format("at byte {} of the value in {}{}{}", sourced->offset() + 1,
                            sourced->source(), sourced->hint().empty() ? "" : ": ",
                            in_flags(sourced->hint()))};
    }
    if (const auto* parse = dynamic_cast<const ParseError*>(&error)) {
        return {k_exit_usage, fmt::format("couldn't parse config at '{}'", parse->at()),
                fmt::format("at byte {} of the value{}{}", parse->offset() + 1,
                            parse->hint().empty() ? "" : ": ", in_flags(parse->hint()))};
    }
    if (const auto* missing = dynamic_cast<const MissingTargetError*>(&error)) {
        return {k_exit_usage, message_of(*missing),
                missing->kind() == MissingTargetError::Kind::boot_time
                    ? fmt::format("boot-time targets stay invisible until adopted: "
                                  "{} apply --name {} --to ...",
                                  k_program, missing->name())
                    : fmt::format("see '{} list'", k_program)};
    }
    if (const auto* unknown = dynamic_cast<const ops::UnknownWordError*>(&error)) {
        // On the command line a mistyped command; in a file a word that is no target.
        return {k_exit_usage, in_flags(message_of(*unknown)),
                unknown->where().empty()
                    ? fmt::format("see '{} --help'", k_program)
                    : std::string("the Debian form is [+][PORT]@HOST, e.g. +6666@192.0.2.5")};
    }
    if (const auto* input = dynamic_cast<const InputError*>(&error)) {
        // "[where: ][FLAG: ]message": the location first, as a compiler names file:line;
        // a FieldError's field, and every field the text mentions, by its flag.
        return {k_exit_usage, in_flags(message_of(*input)), in_flags(input->hint())};
    }
    if (const auto* owned = dynamic_cast<const ops::OwnedFileError*>(&error)) {
        return {k_exit_failed, owned->what(),
                owned->kind() == ops::OwnedFileError::Kind::foreign
                    ? "move it away, or add --force to replace it"
                    : "run the command again"};
    }
    if (const auto* operation = dynamic_cast<const OperationError*>(&error)) {
        return {k_exit_failed, in_flags(operation->text()), in_flags(operation->hint())};
    }
    // std::system_error and anything unforeseen: the operation failed.
    return {k_exit_failed, error.what(), {}};
}

ErrorReport describe_error(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return describe_error(e);
    } catch (...) {
        return {k_exit_failed, "unknown error", {}};
    }
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
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
        // "name is required": a positional; name it as help does ("target NAME").
        const auto name = message.substr(0, message.find(" is required"));
        const CLI::App* command = &app;
        while (!command->get_subcommands().empty()) {
            command = command->get_subcommands().front();
        }
        for (const auto* positional : command->get_options()) {
            if (positional->get_name() == name && positional->get_lnames().empty() &&
                positional->get_snames().empty()) {
                return {k_exit_usage,
                        fmt::format("'{}' needs a {} {}", command->get_name(), name,
                                    positional->get_type_name()),
                        help_hint(app)};
            }
        }
        return {k_exit_usage, fmt::format("{} is required", name), help_hint(app)};
    }
    if (dynamic_cast<const CLI::ExcludesError*>(&error) != nullptr ||
        dynamic_cast<const CLI::RequiresError*>(&error) != nullptr) {
        // "--a excludes --b", "--a requires --b"
        auto text = message;
        const auto excludes = text.find(" excludes ");
        const auto requires_at = text.find(" requires ");
        if (excludes != std::string::npos) {
            text.replace(excludes, 10, " and ");
            text += " exclude each other";
        } else if (requires_at != std::string::npos) {
            text.replace(requires_at, 10, " needs ");
        }
        return {k_exit_usage, text, help_hint(app)};
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
    // User text inside a message must not break the one-line rule (printable()).
    auto text = fmt::format("{}: error: {}{}{}\n", k_program, printable(report.target),
                            report.target.empty() ? "" : ": ", printable(report.message));
    if (!report.hint.empty()) {
        text += fmt::format("hint: {}\n", printable(report.hint));
    }
    return text;
}

TargetErrors::TargetErrors(std::vector<Failure> failures) : m_failures(std::move(failures)) {}

std::vector<ErrorReport> describe_errors(const std::exception& error) {
    const auto* several = dynamic_cast<const TargetErrors*>(&error);
    if (several == nullptr) {
        return {describe_error(error)};
    }
    std::vector<ErrorReport> reports;
    for (const auto& failure : several->failures()) {
        auto report = describe_error(failure.error);
        report.target = failure.target;
        reports.push_back(std::move(report));
    }
    return reports;
}

int exit_code_of(const std::vector<ErrorReport>& reports) {
    int code = k_exit_ok;
    for (const auto& report : reports) {
        if (report.exit_code == k_exit_usage) {
            return k_exit_usage;
        }
        code = report.exit_code;
    }
    return code;
}

std::string json_report(const std::vector<ErrorReport>& reports) {
    Json json;
    json["errors"] = Json::array();
    for (const auto& report : reports) {
        json["errors"].push_back(
            {{"target", report.target.empty() ? Json(nullptr) : Json(report.target)},
             {"message", report.message},
             {"hint", report.hint.empty() ? Json(nullptr) : Json(report.hint)}});
    }
    json["exit_code"] = exit_code_of(reports);
    return dump(json);
}

} // namespace ncs::cli
