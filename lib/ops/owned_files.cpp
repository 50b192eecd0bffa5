#include "ops/owned_files.hpp"

#include "persist/unified_diff.hpp"
#include "system/atomic_file.hpp"
#include "system/writer_lock.hpp"

#include <fmt/format.h>

namespace ncs::ops {
namespace {

std::string owned_file_message(OwnedFileError::Kind kind, const std::string& path) {
    if (kind == OwnedFileError::Kind::foreign) {
        return fmt::format("{} was not written by netconsole-setup; not overwriting it", path);
    }
    return fmt::format("{} changed while netconsole-setup ran; nothing was written", path);
}

void set_diff(FilePlan& plan) {
    plan.diff = persist::unified_diff(plan.old_content.value_or(""), plan.new_content.value_or(""),
                                      plan.old_content ? plan.path : "/dev/null",
                                      plan.new_content ? plan.path : "/dev/null");
}

} // namespace

OwnedFileError::OwnedFileError(Kind kind, std::string path)
    : OperationError(owned_file_message(kind, path)), m_kind(kind), m_path(std::move(path)) {}

FileAction file_action(const FilePlan& plan) {
    return plan.diff.empty()   ? FileAction::unchanged
           : !plan.new_content ? FileAction::remove
           : plan.old_content  ? FileAction::replace
                               : FileAction::create;
}

std::string_view to_string(FileAction action) {
    switch (action) {
    case FileAction::create: return "create";
    case FileAction::replace: return "replace";
    case FileAction::remove: return "remove";
    case FileAction::unchanged: break;
    }
    return "unchanged";
}

FilePlan plan_write(const Root& root, std::string_view path, std::string content, Force force,
                    FileMode mode) {
    FilePlan plan;
    plan.path = path;
    plan.mode = mode;
    // Not through a link: a managed file is replaced or removed itself, never what a
    // link points to.
    plan.old_content = read_optional_file(root, path, FollowLast::no);
    plan.foreign = plan.old_content && !persist::is_owned(*plan.old_content);
    if (plan.foreign && *plan.old_content != content && force == Force::no) {
        throw OwnedFileError(OwnedFileError::Kind::foreign, plan.path);
    }
    plan.new_content = std::move(content);
    set_diff(plan);
    return plan;
}

FilePlan plan_remove(const Root& root, std::string_view path) {
    FilePlan plan;
    plan.path = path;
    auto old = read_small_file(root, path, FollowLast::no);
    if (old.outcome == ReadOutcome::not_regular || old.outcome == ReadOutcome::too_large) {
        plan.left = FilePlan::Left::not_regular;
        return plan;
    }
    if (old.outcome == ReadOutcome::ok) {
        plan.old_content = std::move(old.content);
    }
    plan.foreign = plan.old_content && !persist::is_owned(*plan.old_content);
    if (plan.foreign) {
        plan.left = FilePlan::Left::foreign;
        plan.new_content = plan.old_content;
    }
    set_diff(plan);
    return plan;
}

FilePlan plan_sysctl(const Root& root, const std::function<void(persist::SysctlSettings&)>& change,
                     Force force) {
    const auto path = persist::k_sysctl_path;
    persist::SysctlSettings settings;
    const auto old = read_small_file(root, path, FollowLast::no);
    if (old.outcome == ReadOutcome::ok && persist::is_owned(old.content)) {
        settings = persist::parse_sysctl_conf(old.content);
    }
    change(settings);
    auto content = persist::sysctl_conf(settings);
    if (!content) {
        return plan_remove(root, path);
    }
    return plan_write(root, path, std::move(*content), force);
}

bool any_change(const std::vector<FilePlan>& plans) {
    for (const auto& plan : plans) {
        if (!plan.diff.empty()) {
            return true;
        }
    }
    return false;
}

void carry_out(const Root& root, const std::vector<FilePlan>& plans) {
    // One writer at a time; the files must still be as planned (and shown), or another
    // writer came first and the diff is no longer what this would do.
    const WriterLock lock(root);
    std::vector<FileWrite> writes;
    for (const auto& plan : plans) {
        if (plan.diff.empty()) {
            continue;
        }
        if (read_optional_file(root, plan.path, FollowLast::no) != plan.old_content) {
            throw OwnedFileError(OwnedFileError::Kind::changed, plan.path);
        }
        writes.push_back({plan.path, plan.new_content, plan.mode});
    }
    write_files_atomically(root, writes);
}

} // namespace ncs::ops
