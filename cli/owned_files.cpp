#include "owned_files.hpp"

#include "json.hpp"
#include "persist/persist.hpp"
#include "persist/unified_diff.hpp"
#include "system/atomic_file.hpp"
#include "system/writer_lock.hpp"

#include <fmt/format.h>


namespace ncs::cli {
namespace {

void set_diff(FilePlan& plan) {
    plan.diff = persist::unified_diff(plan.old_content.value_or(""), plan.new_content.value_or(""),
                                      plan.old_content ? plan.path : "/dev/null",
                                      plan.new_content ? plan.path : "/dev/null");
}

} // namespace

FilePlan plan_write(const Context& context, std::string_view path, std::string content,
                    Force force) {
    FilePlan plan;
    plan.path = path;
    // Not through a link: a managed file is replaced or removed itself, never what a
    // link points to.
    plan.old_content = read_optional_file(context.root, path, FollowLast::no);
    plan.foreign = plan.old_content && !persist::is_owned(*plan.old_content);
    if (plan.foreign && *plan.old_content != content && force == Force::no) {
        throw OperationError(fmt::format("{} was not written by {}; not overwriting it", path,
                                         k_program),
                             "move it away, or add --force to replace it");
    }
    plan.new_content = std::move(content);
    set_diff(plan);
    return plan;
}

FilePlan plan_remove(const Context& context, std::string_view path) {
    FilePlan plan;
    plan.path = path;
    auto old = read_small_file(context.root, path, FollowLast::no);
    if (old.outcome == ReadOutcome::not_regular || old.outcome == ReadOutcome::too_large) {
        context.output.note(fmt::format("{} is not a file {} wrote; leaving it", path, k_program));
        return plan;
    }
    if (old.outcome == ReadOutcome::ok) {
        plan.old_content = std::move(old.content);
    }
    plan.foreign = plan.old_content && !persist::is_owned(*plan.old_content);
    if (plan.foreign) {
        context.output.note(fmt::format("{} was not written by {}; leaving it", path, k_program));
        plan.new_content = plan.old_content;
    }
    set_diff(plan);
    return plan;
}

FilePlan plan_sysctl(const Context& context,
                     const std::function<void(persist::SysctlSettings&)>& change, Force force) {
    const auto path = persist::k_sysctl_path;
    persist::SysctlSettings settings;
    const auto old = read_small_file(context.root, path, FollowLast::no);
    if (old.outcome == ReadOutcome::ok && persist::is_owned(old.content)) {
        settings = persist::parse_sysctl_conf(old.content);
    }
    change(settings);
    auto content = persist::sysctl_conf(settings);
    if (!content) {
        return plan_remove(context, path);
    }
    return plan_write(context, path, std::move(*content), force);
}

Json plans_json(const std::vector<FilePlan>& plans) {
    Json files = Json::array();
    for (const auto& plan : plans) {
        Json file;
        file["path"] = plan.path;
        file["action"] = plan.diff.empty()   ? "unchanged"
                         : !plan.new_content ? "remove"
                         : plan.old_content  ? "replace"
                                             : "create";
        file["diff"] = plan.diff;
        files.push_back(std::move(file));
    }
    return files;
}

bool any_change(const std::vector<FilePlan>& plans) {
    for (const auto& plan : plans) {
        if (!plan.diff.empty()) {
            return true;
        }
    }
    return false;
}

void carry_out(const Context& context, const std::vector<FilePlan>& plans) {
    // One writer at a time; the files must still be as planned (and shown), or another
    // writer came first and the diff is no longer what this would do.
    const WriterLock lock(context.root);
    std::vector<FileWrite> writes;
    for (const auto& plan : plans) {
        if (plan.diff.empty()) {
            continue;
        }
        if (read_optional_file(context.root, plan.path, FollowLast::no) != plan.old_content) {
            throw OperationError(fmt::format("{} changed while {} ran; nothing was written",
                                             plan.path, k_program),
                                 "run the command again");
        }
        writes.push_back({plan.path, plan.new_content});
    }
    write_files_atomically(context.root, writes);
}

} // namespace ncs::cli
