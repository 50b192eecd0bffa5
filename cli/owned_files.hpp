#pragma once
// Writing the files the tool owns (modprobe.d, modules-load.d, sysctl.d,
// grub.d) under the root: plan every change first, refuse to touch a file the
// tool did not write unless forced, show a unified diff on stdout, then write
// atomically (or not at all under --dry-run).

#include "context.hpp"
#include "json.hpp"
#include "persist/persist.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::cli {

/// One planned change of a file.
struct FilePlan {
    std::string path;                ///< the system path, "/etc/modprobe.d/netconsole.conf"
    std::optional<std::string> old_content;
    std::optional<std::string> new_content; ///< nullopt: remove the file
    bool foreign = false;            ///< it exists and the tool did not write it
    std::string diff;                ///< "" when nothing changes
};

enum class Force { no, yes };

/// What writing content to path would change. Throws OperationError when path exists,
/// is not the tool's and force is no, or is not a regular file (a link, a directory);
/// nothing has been written by then.
FilePlan plan_write(const Context& context, std::string_view path, std::string content,
                    Force force);

/// What removing path would change: nothing (with a note) when it is not the tool's,
/// or not a regular file (a link is never followed).
FilePlan plan_remove(const Context& context, std::string_view path);

/// What changing the settings of the tool's sysctl.d file (persist::k_sysctl_path) would
/// change: its settings are read when the file is the tool's, change applies to them, and
/// the file is rewritten with every other setting kept, or removed once it sets nothing.
/// Refuses a foreign file as plan_write does (force starts from no settings).
FilePlan plan_sysctl(const Context& context,
                     const std::function<void(persist::SysctlSettings&)>& change, Force force);

/// The plans as JSON: [{"path", "action": create|replace|remove|unchanged, "diff"}].
nlohmann::ordered_json plans_json(const std::vector<FilePlan>& plans);

/// Whether any plan changes its file.
bool any_change(const std::vector<FilePlan>& plans);

/// Writes or removes the files as planned, all or none (write_files_atomically),
/// holding the writers' lock (system/writer_lock.hpp). Throws OperationError, after
/// which no file has changed (unless it says otherwise): also when the lock stays
/// taken, or a file no longer holds what the plan read.
void carry_out(const Context& context, const std::vector<FilePlan>& plans);

} // namespace ncs::cli
