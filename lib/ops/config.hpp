#pragma once
// Configuration sources (issue 6, 13): the targets of /etc/netconsole-setup.conf (its
// lines are the target options, ops/target_options parses them), NETCONSOLE_OPTS of Debian's
// /etc/default/netconsole, SYSLOGADDR... of Red Hat's /etc/sysconfig/netconsole, and the
// record of the targets a configuration made (<root>/run/netconsole-setup/config-targets,
// one name per line: /run, like configfs, is empty after a reboot), so that the ones it
// no longer lists are removed.

#include "persist/config_file.hpp"
#include "reconcile/reconcile.hpp"
#include "system/configfs.hpp"
#include "system/root.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::ops {

/// The record of the targets a configuration's apply made (a system path under the root).
inline constexpr std::string_view k_config_state_path = "/run/netconsole-setup/config-targets";

/// The file netconsole-setup.service names: the one configuration file that may be absent.
inline constexpr std::string_view k_default_config_path = "/etc/netconsole-setup.conf";

/// Debian's file whose NETCONSOLE_OPTS is applied too.
inline constexpr std::string_view k_debian_defaults_path = "/etc/default/netconsole";

/// Red Hat's file whose SYSLOGADDR target is applied too.
inline constexpr std::string_view k_redhat_config_path = "/etc/sysconfig/netconsole";

/// One word of the Debian form (`[+][PORT]@HOST`).
struct CompatTarget {
    bool extended = false;             ///< '+'
    std::optional<std::uint16_t> port; ///< PORT, the remote port
    std::string host;                  ///< address or host name; also the target name
    bool operator==(const CompatTarget&) const = default;
};

/// A word of the Debian form that is neither [+][PORT]@HOST nor a host: most likely a
/// mistyped command (the CLI points to its help).
class UnknownWordError : public InputError {
public:
    using InputError::InputError;
};

/// Parses one word as Debian's script does (`^((\+)?([0-9]+)?@)?(.+)$`), with IPv6
/// brackets (`@[2001:db8::1]`) also accepted. A word without '@' is a host only when
/// it holds a '.' or ':' (otherwise it is taken for a mistyped command). Throws
/// InputError naming the word (UnknownWordError for such a word).
CompatTarget parse_compat_target(std::string_view word);

/// The target of Red Hat's variables: SYSLOGADDR (required; nullopt without it),
/// SYSLOGPORT (default 514), SYSLOGMACADDR, DEV, LOCALPORT (default 6666), named as the
/// configuration file's targets are (ncs-<remote IP>-<port>). Throws InputError
/// "/etc/sysconfig/netconsole:LINE: ..." for a bad value.
std::optional<reconcile::DesiredTarget> redhat_desired(const persist::RedHatNetconsole& config);

/// The targets of a configuration, and whether it says which targets exist: only
/// then are the ones it no longer lists removed.
struct Configuration {
    std::vector<reconcile::DesiredTarget> targets;
    bool complete = true;
    std::string note; ///< shown once the command may go on, so that an error comes alone
};

/// One line of FILE as its target (parse_target_words, then make_desired), from
/// "FILE:LINE". Throws InputError and FieldError located there (InputError::where()),
/// "one destination per line" when the line has none or several.
reconcile::DesiredTarget desired_of_line(const persist::ConfigLine& line, std::string_view file);

/// The configuration, one call for apply --config, watch --config (at start and on each
/// SIGHUP) and status --check: FILE's targets (a system path read under the root,
/// relative: to the working directory on the running system; only
/// k_default_config_path may be absent), then Debian's and Red Hat's files under root.
/// Checks each line (desired_of_line), what the record needs (no quote in a name) and
/// that no two targets have the same destination (refuse_same_destination); apply's
/// request checks the rest, once. Throws FieldError(config_file) for a file missing or
/// unreadable, InputError "FILE:LINE: ...".
Configuration read_configuration(const std::string& file, const Root& root);

/// The one rule for a destination given twice, before anything is resolved: two targets
/// to the same address (or host name) and remote port would send every message twice.
/// Throws InputError located at the later one: "the same target as line N: ADDR port P".
void refuse_same_destination(const std::vector<reconcile::DesiredTarget>& targets);

/// The end of a configuration's apply (at start and on each SIGHUP for watch): the
/// targets the record says an earlier one made, that configfs in dir still holds and
/// that listed no longer names, are removed when complete; else they are kept in the
/// record, for a later complete run. A target made by hand (not in the record) is never
/// touched. The record then holds listed and the kept names. Holds the writers' lock
/// (system/writer_lock.hpp) from reading the record to writing it. Returns the names
/// removed. Throws std::system_error and OperationError (what rmdir says, or the lock).
std::vector<std::string> remove_unlisted(ConfigfsFiles& files, const std::filesystem::path& dir,
                                         const Root& root, const std::vector<std::string>& listed,
                                         bool complete);

/// What a dry run that goes on (`watch --dry-run --config`) assumes instead of the
/// record file and configfs, so that its later passes stay honest: the record as the
/// real run would have written it, and the targets its plans assume made.
struct DryRunRecord {
    std::optional<std::vector<std::string>> names; ///< nullopt: the file's, read first
    std::vector<std::string> made;                  ///< assumed present besides configfs
};

/// remove_unlisted() as a dry run, against record (which it updates as the real run
/// would update the file). Returns what would be removed.
std::vector<std::string> remove_unlisted(const ConfigfsFiles& files,
                                         const std::filesystem::path& dir, const Root& root,
                                         const std::vector<std::string>& listed, bool complete,
                                         DryRunRecord& record);

} // namespace ncs::ops
