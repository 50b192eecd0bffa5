#pragma once
// `explain [VALUE]`: what the kernel will make of a netconsole= value, field by
// field; without VALUE, of every value configured on this system.

#include "context.hpp"
#include "grammar/netconsole_string.hpp"
#include "system/config_sources.hpp"

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
/// (a SourcedParseError for values read from files).
void run_explain(const ExplainOptions& options, const Context& context);

/// One line of the explanation: a field's label and what the kernel makes of it.
struct FieldExplanation {
    std::string label;
    std::string text;
};

/// The fields of target as the kernel will use them, kernel defaults marked.
std::vector<FieldExplanation> explain_fields(const grammar::ParsedTarget& target);

/// For configured values in reading order: the index of the later value the kernel
/// keeps instead of each (the last of its store: /proc/cmdline, or all of modprobe.d
/// together), nullopt for the values it uses.
std::vector<std::optional<std::size_t>> overridden_values(
    const std::vector<ConfiguredValue>& values);

/// The part of boot that acts on value's parameter name (netconsole= or
/// netconsole.netconsole=, on the kernel command line), in a sentence; empty for a
/// bare value.
std::string boot_stage(std::string_view value);

/// The warning for value, which the kernel replaces by the later one, by.
Warning overridden_warning(const ConfiguredValue& value, const ConfiguredValue& by);

/// A ParseError in a value read from a file; source names the file ("/proc/cmdline").
class SourcedParseError : public ParseError {
public:
    SourcedParseError(const ParseError& error, std::string source);
    const std::string& source() const noexcept { return m_source; }

private:
    std::string m_source;
};

} // namespace ncs::cli
