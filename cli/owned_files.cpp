#include "owned_files.hpp"

#include <fmt/format.h>

#include <ostream>

namespace ncs::cli {

Json plans_json(const std::vector<ops::FilePlan>& plans) {
    Json files = Json::array();
    for (const auto& plan : plans) {
        Json file;
        file["path"] = plan.path;
        file["action"] = ops::to_string(ops::file_action(plan));
        file["diff"] = plan.diff;
        files.push_back(std::move(file));
    }
    return files;
}

void print_diffs(const std::vector<ops::FilePlan>& plans, std::ostream& out) {
    for (const auto& plan : plans) {
        // A file replaced under --force may hold anything: each line printable().
        std::string_view diff = plan.diff;
        while (!diff.empty()) {
            const auto end = diff.find('\n');
            out << printable(diff.substr(0, end)) << '\n';
            diff.remove_prefix(end == std::string_view::npos ? diff.size() : end + 1);
        }
    }
}

void note_left_files(const std::vector<ops::FilePlan>& plans, Output& output) {
    for (const auto& plan : plans) {
        switch (plan.left) {
        case ops::FilePlan::Left::not_regular:
            output.note(fmt::format("{} is not a file {} wrote; leaving it", plan.path, k_program));
            break;
        case ops::FilePlan::Left::foreign:
            output.note(fmt::format("{} was not written by {}; leaving it", plan.path, k_program));
            break;
        case ops::FilePlan::Left::no:
            break;
        }
    }
}

void note_outcome(ops::DryRun dry_run, bool changed, std::string_view unchanged_note,
                  Output& output) {
    if (dry_run == ops::DryRun::yes) {
        output.note(changed ? "--dry-run: nothing written" : "nothing would change");
    } else if (!changed && !unchanged_note.empty()) {
        output.note(unchanged_note);
    }
}

} // namespace ncs::cli
