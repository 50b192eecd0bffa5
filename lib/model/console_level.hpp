#pragma once
// The printk console level, 1-8: the one rule every command that takes one uses
// (apply --loglevel, cmdline --loglevel, modprobe --persist-loglevel, loglevel N, persist).

#include <string_view>

namespace ncs {

/// "8" -> 8. Throws FieldError(Field::console_level) unless text is a decimal from 1 to 8.
int parse_console_level(std::string_view text);

/// Throws FieldError(Field::console_level) unless 1 <= level <= 8.
void validate_console_level(int level);

} // namespace ncs
