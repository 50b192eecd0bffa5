#pragma once
// Option values shared by several subcommands, one parser per kind (issue 21): what a
// verb binds and turns into a library request. Not a verb: any verb may include it.

#include "model/errors.hpp"

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace ncs::cli {

/// A port number as the user writes it: decimal 1-65535. Throws InputError naming option.
std::uint16_t parse_port(std::string_view text, std::string_view option);

/// A count as the user writes it: decimal, at least 1 (workers, queued records).
/// Throws InputError naming option.
unsigned parse_count(std::string_view text, std::string_view option);

/// Which option of a subcommand sets a library request's field.
struct FieldFlag {
    Field field;
    std::string_view flag; ///< "--output"
};

/// Runs call; a FieldError it throws comes out as an InputError phrased with the flag
/// that sets the field ("--output '/x' is not a directory"), its hint kept.
template <typename Call>
auto phrase_field_errors(std::initializer_list<FieldFlag> flags, Call&& call) {
    try {
        return std::forward<Call>(call)();
    } catch (const FieldError& e) {
        for (const auto& [field, flag] : flags) {
            if (field == e.field()) {
                throw InputError(std::string(flag) + " " + e.what(), e.hint());
            }
        }
        throw;
    }
}

} // namespace ncs::cli
