#pragma once
// `modprobe --to ADDR [target options] [--load-at-boot] [--persist-loglevel N]
// [--kernel RELEASE] [--dry-run] [--force] | modprobe --remove`: write the
// modprobe.d options for the netconsole module (and modules-load.d, sysctl.d),
// showing a unified diff of every change on stdout.

#include "context.hpp"
#include "target_options.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

struct ModprobeOptions {
    TargetOptions target;
    bool load_at_boot = false;
    std::optional<std::string> persist_loglevel;
    std::optional<std::string> kernel;
    bool dry_run = false;
    bool force = false;
    bool remove = false;
};

/// Registers `modprobe` on app.
Command setup_modprobe(CLI::App& app);

/// Plans every file, refuses before writing anything, then writes them atomically.
/// Throws InputError, OperationError, std::system_error.
void run_modprobe(const ModprobeOptions& options, const Context& context);

} // namespace ncs::cli
