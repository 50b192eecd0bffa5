#pragma once
// Option values shared by several subcommands, one parser per kind (issue 21): what a
// verb binds and turns into a library request. Not a verb: any verb may include it.

#include "model/errors.hpp"

#include <cstdint>
#include <string_view>

namespace ncs::cli {

/// A port number as the user writes it: decimal 1-65535. Throws InputError naming option.
std::uint16_t parse_port(std::string_view text, std::string_view option);

/// The flag that sets field, as a message names it ("--port"): the one place where the
/// library's request fields (FieldError) meet the command line's words; describe_error
/// puts it before the FieldError's message.
std::string_view flag_of(Field field) noexcept;

} // namespace ncs::cli
