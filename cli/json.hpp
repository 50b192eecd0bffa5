#pragma once
// The JSON shapes shared by subcommands. Keys are named like the configfs
// attributes, so a script can write them back unchanged.

#include "grammar/netconsole_string.hpp"
#include "model/errors.hpp"
#include "model/target.hpp"
#include "ops/inspect.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string_view>

namespace ncs {
struct Step;
} // namespace ncs

namespace ncs::cli {

using Json = nlohmann::ordered_json;

/// {"extended", "release", "local_port", "local_ip", "dev_name", "local_mac", "remote_port",
/// "remote_ip", "remote_mac", "source", "defaults"}.
Json target_json(const Target& target, std::string_view source,
                 std::span<const grammar::Field> defaulted);

/// {"name", "enabled", "extended", "release", "local_port", "local_ip", "dev_name",
/// "local_mac", "remote_port", "remote_ip", "remote_mac", "transmit_errors", "userdata",
/// "sysdata"}: the attribute names as keys (explain's keys); null for an attribute this
/// kernel does not have, and local_ip null while unset.
Json configfs_target_json(const ConfigfsTarget& target);

/// {"target": index or null, "message", "hint" (null when there is none)}.
Json warning_json(const Warning& warning, std::optional<std::size_t> target);

/// {"target": index, "text", "elapsed_us"}.
Json step_json(const Step& step, std::size_t target);

/// Pretty-printed, followed by a newline; invalid UTF-8 (interface names) replaced
/// by U+FFFD, C1 and bidi controls written as \u escapes (printable()'s rule), so
/// the JSON stays valid and a terminal showing it is not driven by it.
std::string dump(const Json& json);
/// The same on one line, without the newline (one record of `listen --json`).
std::string dump_line(const Json& json);

} // namespace ncs::cli
