#pragma once
// `cmdline --to ADDR [target options] [--loglevel N] [--builtin|--module]
// [--kernel RELEASE] [--write-grub [--dry-run] [--force]]`: print the kernel
// command-line fragment for the targets, spelled for how netconsole is built.

#include "context.hpp"
#include "target_options.hpp"

#include <optional>
#include <string>

namespace ncs::cli {

struct CmdlineOptions {
    TargetOptions target;
    std::optional<std::string> loglevel;
    bool builtin = false;
    bool module = false;
    std::optional<std::string> kernel;
    bool write_grub = false;
    bool write_initramfs_config = false;
    bool check_initramfs = false;
    bool dry_run = false;
    bool force = false;
};

/// Registers `cmdline` on app.
Command setup_cmdline(CLI::App& app);

/// Prints the fragment (for the kernel's parser, not for a shell); with write_grub also
/// writes /etc/default/grub.d/netconsole.cfg. Throws InputError, OperationError,
/// std::system_error.
void run_cmdline(const CmdlineOptions& options, const Context& context);

} // namespace ncs::cli
