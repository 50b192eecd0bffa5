#pragma once
// The files the tool owns (modprobe.d, modules-load.d, sysctl.d, grub.d, system.conf.d)
// under a Root: plan every change first, refuse to touch a file the tool did not write
// unless forced, then write all or none under the writers' lock. Plans carry the unified
// diff the CLI shows; nothing here prints.

#include "model/errors.hpp"
#include "persist/persist.hpp"
#include "system/atomic_file.hpp"
#include "system/root.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::ops {

/// Whether a plan may replace a file the tool did not write.
enum class Force { no, yes };

/// Whether a use case changes the files (and the kernel) or only plans.
enum class DryRun { no, yes };

/// One planned change of a file.
struct FilePlan {
    /// Why a removal leaves a file as it is (the CLI notes it).
    enum class Left {
        no,          ///< the plan is what it says
        not_regular, ///< a link, a directory, too large: not a file the tool wrote
        foreign,     ///< a file the tool did not write
    };
    std::string path;                       ///< the system path, "/etc/modprobe.d/netconsole.conf"
    std::optional<std::string> old_content; ///< nullopt: the file does not exist
    std::optional<std::string> new_content; ///< nullopt: remove the file
    bool foreign = false;                   ///< it exists and the tool did not write it
    FileMode mode = FileMode::plain;        ///< if the write creates it
    std::string diff;                       ///< "" when nothing changes
    Left left = Left::no;
};

/// What a plan does to its file.
enum class FileAction { unchanged, create, replace, remove };

/// The plan's action: unchanged when its diff is empty.
FileAction file_action(const FilePlan& plan);

/// "unchanged", "create", "replace", "remove" (the JSON "action").
std::string_view to_string(FileAction action);

/// A file the tool did not write stands where a plan would write (and Force::no), or a
/// file changed between the plan and the write. Nothing has been written.
class OwnedFileError : public OperationError {
public:
    enum class Kind {
        foreign, ///< the file is not the tool's; Force::yes would replace it
        changed, ///< the file no longer holds what the plan read (another writer)
    };
    OwnedFileError(Kind kind, std::string path);
    Kind kind() const noexcept { return m_kind; }
    /// The system path of the file.
    const std::string& path() const noexcept { return m_path; }

private:
    Kind m_kind;
    std::string m_path;
};

/// What writing content to path would change. Throws OwnedFileError (foreign) when path
/// exists, is not the tool's and force is no; OperationError when it is not a regular file
/// (a link, a directory); nothing has been written by then.
FilePlan plan_write(const Root& root, std::string_view path, std::string content, Force force,
                    FileMode mode = FileMode::plain);

/// What removing path would change: nothing (left says why) when it is not the tool's, or
/// not a regular file (a link is never followed).
FilePlan plan_remove(const Root& root, std::string_view path);

/// What changing the settings of the tool's sysctl.d file (persist::k_sysctl_path) would
/// change: its settings are read when the file is the tool's, change applies to them, and
/// the file is rewritten with every other setting kept, or removed once it sets nothing.
/// Refuses a foreign file as plan_write does (force starts from no settings).
FilePlan plan_sysctl(const Root& root, const std::function<void(persist::SysctlSettings&)>& change,
                     Force force);

/// Whether any plan changes its file.
bool any_change(const std::vector<FilePlan>& plans);

/// Writes or removes the files as planned, all or none (write_files_atomically), holding
/// the writers' lock (system/writer_lock.hpp). Throws OperationError, after which no file
/// has changed (unless it says otherwise): also when the lock stays taken, or an
/// OwnedFileError (changed) when a file no longer holds what the plan read.
void carry_out(const Root& root, const std::vector<FilePlan>& plans);

} // namespace ncs::ops
