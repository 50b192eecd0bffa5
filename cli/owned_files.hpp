#pragma once
// The CLI side of the files the tool owns (lib/ops/owned_files): the diffs on stdout,
// the plans as JSON, the notes for a file a removal leaves, and the closing note of a
// run that writes files. Shared by cmdline, modprobe and panic-watchdog.

#include "context.hpp"
#include "json.hpp"
#include "ops/owned_files.hpp"

#include <vector>

namespace ncs::cli {

/// The plans as JSON: [{"path", "action": create|replace|remove|unchanged, "diff"}].
Json plans_json(const std::vector<ops::FilePlan>& plans);

/// Each plan's unified diff, in order (nothing for an unchanged file).
void print_diffs(const std::vector<ops::FilePlan>& plans, std::ostream& out);

/// A note for each file a removal leaves as it is (not the tool's, not a regular file).
void note_left_files(const std::vector<ops::FilePlan>& plans, Output& output);

/// The note after a run: "--dry-run: nothing written" or "nothing would change" for a
/// dry run; otherwise unchanged_note when nothing changed (and none when it did).
void note_outcome(ops::DryRun dry_run, bool changed, std::string_view unchanged_note,
                  Output& output);

} // namespace ncs::cli
