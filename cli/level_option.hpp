#pragma once
// The one parser of a console log level option (issue 21): `apply --loglevel`,
// `cmdline --loglevel`, `modprobe --persist-loglevel` and `loglevel N` read it here, with
// lib/model's one rule and wording; the CLI only puts its flag in front.

#include <string_view>

namespace ncs::cli {

/// text as a console level, 1-8. Throws InputError "FLAG: '<text>' is not a console log
/// level" with the rule's hint; flag "" (a positional) leaves the message as it is.
int parse_level_option(std::string_view text, std::string_view flag);

} // namespace ncs::cli
