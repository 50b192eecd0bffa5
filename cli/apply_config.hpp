#pragma once
// `apply --config FILE`: the boot-time path (netconsole-setup.service). Applies
// every target of FILE (one per line, the CLI's options; lib/persist/config_file.hpp)
// and of NETCONSOLE_OPTS in <root>/etc/default/netconsole, in one transaction, then
// removes the targets an earlier `apply --config` created that are no longer listed.
// What it created is recorded in <root>/run/netconsole-setup/config-targets, one
// name per line: /run, like configfs, is empty after a reboot.

#include "context.hpp"
#include "reconcile/reconcile.hpp"
#include "system/configfs.hpp"

#include <filesystem>
#include <optional>

#include <string>
#include <vector>

namespace ncs::cli {

/// The record of the targets `apply --config` made (a system path under the root).
inline constexpr std::string_view k_config_state_path = "/run/netconsole-setup/config-targets";

/// The file netconsole-setup.service names: the one --config FILE that may be absent.
inline constexpr std::string_view k_default_config_path = "/etc/netconsole-setup.conf";

/// Debian's file whose NETCONSOLE_OPTS is applied too.
inline constexpr std::string_view k_debian_defaults_path = "/etc/default/netconsole";

/// Applies FILE, a system path read under --root like /etc/default/netconsole. A FILE
/// that is missing or cannot be read is InputError, except k_default_config_path, which
/// then gives no targets and removes none. Throws InputError "FILE:LINE: ..." before
/// touching anything, OperationError and std::system_error.
/// dry_run: print the plan (print_plan), change nothing, need no privileges.
void run_apply_config(const std::string& file, const Context& context, bool dry_run = false);

/// The targets of the configuration, and whether it says which targets exist: only
/// then are the ones it no longer lists removed.
struct Configuration {
    std::vector<reconcile::DesiredTarget> targets;
    bool complete = true;
    std::string note; ///< shown once the command may go on, so that an error comes alone
};

/// The end of a configuration's apply (`apply --config`, and `watch --config` at start
/// and on each SIGHUP): the targets the record says an earlier one made, that configfs
/// in dir still holds and that listed no longer names, are removed when complete; else
/// they are kept in the record, for a later complete run. A target made by hand (not
/// in the record) is never touched. The record then holds listed and the kept names.
/// dry_run: nothing is removed or written; returns what would be removed. Otherwise it
/// holds the writers' lock (system/writer_lock.hpp) from reading the record to writing
/// it. Returns the names removed. Throws std::system_error and OperationError (what
/// rmdir says, or the lock that stays taken).
std::vector<std::string> remove_unlisted(ConfigfsFiles& files, const std::filesystem::path& dir,
                                         const Context& context,
                                         const std::vector<std::string>& listed, bool complete,
                                         bool dry_run = false);

/// What a dry run that goes on (`watch --dry-run --config`) assumes instead of the
/// record file and configfs, so that its later passes stay honest: the record as the
/// real run would have written it, and the targets its plans assume made.
struct DryRunRecord {
    std::optional<std::vector<std::string>> names; ///< nullopt: the file's, read first
    std::vector<std::string> made;                  ///< assumed present besides configfs
};

/// remove_unlisted() as a dry run, against record (which it updates as the real run
/// would update the file). Returns what would be removed.
std::vector<std::string> remove_unlisted(ConfigfsFiles& files, const std::filesystem::path& dir,
                                         const Context& context,
                                         const std::vector<std::string>& listed, bool complete,
                                         DryRunRecord& record);

/// Reads FILE (as run_apply_config), NETCONSOLE_OPTS of /etc/default/netconsole and
/// SYSLOGADDR... of /etc/sysconfig/netconsole, all validated. Throws InputError
/// "FILE:LINE: ...".
Configuration read_configuration(const std::string& file, const Context& context);

} // namespace ncs::cli
