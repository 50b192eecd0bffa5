#pragma once
// `explain [VALUE]`: what the kernel will make of a netconsole= value, field by
// field; without VALUE, of every value configured on this system.

#include "context.hpp"
#include "grammar/netconsole_string.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ncs::cli {

struct ExplainOptions {
    std::optional<std::string> value;
};

/// Registers `explain` on app.
Command setup_explain(CLI::App& app);

/// Explains options.value, or the values found under context.root. Throws ParseError
/// (SourcedParseError, lib/model/errors.hpp, for values read from files).
void run_explain(const ExplainOptions& options, const Context& context);

/// One line of the explanation: a field's label and what the kernel makes of it.
struct FieldExplanation {
    std::string label;
    std::string text;
};

/// The fields of target as the kernel will use them, kernel defaults marked.
std::vector<FieldExplanation> explain_fields(const grammar::ParsedTarget& target);

/// The part of boot that acts on value's parameter name (netconsole= or
/// netconsole.netconsole=, on the kernel command line), in a sentence; empty for a
/// bare value.
std::string boot_stage(std::string_view value);

} // namespace ncs::cli
