#pragma once
// Option values shared by several subcommands, one parser per kind (issue 21): what a
// verb binds and turns into a library request. Not a verb: any verb may include it.

#include "model/errors.hpp"
#include "model/port.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ncs::cli {

// parse_port (model/port.hpp) is the one port parser: decimal 1-65535, an InputError
// naming the option ("--port: '0' is not a port number").

/// A count as the user writes it: decimal, at least 1 (workers, queued records).
/// Throws InputError naming option.
unsigned parse_count(std::string_view text, std::string_view option);

/// The flag that sets field, as a message names it ("--port"): the one place where the
/// library's request fields (FieldError) meet the command line's words; describe_error
/// puts it before the FieldError's message.
std::string_view flag_of(Field field) noexcept;

/// A library message or hint with each field it mentions (mention()) named by its flag.
std::string in_flags(std::string_view text);

/// A warning's hint as the CLI gives it: in_flags(), or for a kind the CLI has a command
/// for (console_quiet: `loglevel 8`) that command.
std::string hint_of(const Warning& warning);

} // namespace ncs::cli
