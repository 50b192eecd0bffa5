#pragma once
// `panic-watchdog [--watchdog-sec DURATION] [--stay-down] [--dry-run] [--force] |
// panic-watchdog --remove`: makes a panic reach the doctor on Linux 7.0+ (issue 19):
// kernel.panic=0, live and in the tool's sysctl.d file, and a systemd drop-in that lets a
// hardware watchdog reboot the host that then stays down.

#include "context.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

struct PanicWatchdogOptions {
    std::optional<std::string> watchdog_sec; ///< RuntimeWatchdogSec=, default 30s
    bool stay_down = false; ///< kernel.panic=0 without a watchdog: the host stays down
    bool dry_run = false;
    bool force = false;
    bool remove = false;
};

/// Registers `panic-watchdog` on app.
Command setup_panic_watchdog(CLI::App& app);

/// Plans the files and the live kernel.panic, refuses before changing anything, then
/// changes all or none. Throws InputError, OperationError, std::system_error.
void run_panic_watchdog(const PanicWatchdogOptions& options, const Context& context);

} // namespace ncs::cli
