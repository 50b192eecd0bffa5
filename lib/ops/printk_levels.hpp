#pragma once
// `loglevel`'s use case (issue 21): the four values of /proc/sys/kernel/printk with what
// they let through, and setting the console level as `dmesg -n N` does.

#include "model/errors.hpp"
#include "system/printk.hpp"
#include "system/root.hpp"

#include <vector>

namespace ncs::ops {

/// The levels and the warnings they call for (a console level that hides messages).
struct PrintkReport {
    PrintkLevels levels;
    std::vector<Warning> warnings; ///< check_console_loglevel(levels.console_loglevel)
};

/// Reads <root>/proc/sys/kernel/printk. Throws std::system_error, OperationError.
PrintkReport read_printk_report(const Root& root);

/// A console level set, with the levels before and after.
struct ConsoleLevelChange {
    int asked = 0;
    PrintkLevels before;
    PrintkReport after;
    /// The kernel raised the level to minimum_console_loglevel (syslog(2) does).
    bool raised() const { return after.levels.console_loglevel != asked; }
};

/// Sets the running kernel's console level (validated: 1-8, FieldError). Throws
/// OperationError (not allowed), std::system_error.
ConsoleLevelChange set_console_level(const LiveKernel& kernel, const Root& root, int level);

} // namespace ncs::ops
