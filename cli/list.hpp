#pragma once
// `list [--json]`: every configfs target with all its attributes, read-only
// local_mac and transmit_errors included.

#include "context.hpp"
#include "json.hpp"
#include "system/configfs.hpp"

namespace ncs::cli {

struct ListOptions {};

/// Registers `list` on app.
Command setup_list(CLI::App& app);

/// Prints the targets under <root>/sys/kernel/config/netconsole. Throws
/// std::system_error, OperationError.
void run_list(const ListOptions& options, const Context& context);

/// {"name", "enabled", "extended", "release", "local_port", "local_ip", "dev_name",
/// "local_mac", "remote_port", "remote_ip", "remote_mac", "transmit_errors", "userdata",
/// "sysdata"}: the attribute names as keys (explain's keys); null for an attribute this
/// kernel does not have, and local_ip null while unset.
Json configfs_target_json(const ConfigfsTarget& target);

} // namespace ncs::cli
