#pragma once
// The kernel's console log level: <root>/proc/sys/kernel/printk and the
// syslog(2) console-level action that dmesg -n uses.

#include "model/errors.hpp"
#include "system/root.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ncs {

/// The four values of /proc/sys/kernel/printk, in the kernel's order.
struct PrintkLevels {
    int console_loglevel = 0;         ///< messages with a level below this reach consoles
    int default_message_loglevel = 0; ///< the level of a printk without one
    int minimum_console_loglevel = 0; ///< the lowest value console_loglevel may be set to
    int default_console_loglevel = 0; ///< console_loglevel at boot
    bool operator==(const PrintkLevels&) const = default;
};

/// Parses the text of /proc/sys/kernel/printk ("4\t4\t1\t7\n"); nullopt unless four integers.
std::optional<PrintkLevels> parse_printk_levels(std::string_view text);

/// Reads <root>/proc/sys/kernel/printk. Throws std::system_error when it cannot be read,
/// OperationError when its text is not four integers.
PrintkLevels read_printk_levels(const Root& root);

/// Sets the console log level as `dmesg -n LEVEL` does: syslog(2) action
/// SYSLOG_ACTION_CONSOLE_LEVEL (8), not a write to /proc/sys/kernel/printk.
/// Acts on the running kernel, so it needs a LiveKernel (never under --root).
/// Throws InputError unless 1 <= level <= 8; OperationError on EPERM
/// (needs CAP_SYSLOG or CAP_SYS_ADMIN) and std::system_error on other failures.
void set_console_loglevel(const LiveKernel& kernel, int level);

/// The kernel's name of a message level 0..7 ("emerg" ... "debug"); "?" otherwise.
std::string_view loglevel_name(int level);

/// What a console log level hides that the user likely wants: below 8 debug messages,
/// below 5 warnings too. Empty at 8.
std::vector<Warning> check_console_loglevel(int console_loglevel);

/// The level for a test message that reaches the consoles: the highest one below
/// console_loglevel (a message is printed when its level is lower), 0 at the least.
int test_message_level(const PrintkLevels& levels);

} // namespace ncs
