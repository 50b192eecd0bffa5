#pragma once
// `explain`'s use case (issue 21): what the kernel makes of a netconsole= value, or of
// every value configured on this system (/proc/cmdline, /etc/modprobe.d), as typed data:
// the parsed targets with their warnings, and the configured values the kernel never reads.

#include "grammar/netconsole_string.hpp"
#include "model/errors.hpp"
#include "system/config_sources.hpp"
#include "system/root.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ncs::ops {

/// The source of a value given on the command line rather than read from a file.
inline constexpr std::string_view k_given_value = "argument";

/// What to explain: a value given, or (nullopt) the ones configured under the root.
struct ExplainRequest {
    std::optional<std::string> value; ///< netconsole=..., netconsole.netconsole=... or bare
};

/// One value, parsed, with its warnings: per target (check(), the parser's own hint
/// kept), and those of the parser that belong to no single target.
struct ExplainedValue {
    std::string source; ///< k_given_value or the file ("/proc/cmdline")
    grammar::ParseResult result;
    std::vector<Warning> warnings;                     ///< of the value as a whole
    std::vector<std::vector<Warning>> target_warnings; ///< one list per result.targets
};

/// A configured value the kernel never reads, and the later value it keeps instead.
struct OverriddenValue {
    ConfiguredValue value;
    ConfiguredValue by;
};

struct Explanation {
    std::vector<ExplainedValue> values;
    std::vector<OverriddenValue> overridden;
    std::vector<Warning> skipped; ///< configuration files that were not read
    /// The first configured value the kernel would reject (values stops before it).
    std::optional<SourcedParseError> rejected;
};

/// Parses the value given, or every configured value the kernel reads. Throws ParseError
/// for a value given; a configured one the kernel rejects is Explanation::rejected.
Explanation explain(const Root& root, const ExplainRequest& request);

} // namespace ncs::ops
