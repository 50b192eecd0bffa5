#pragma once
// The one rendering of a reconcile (not a verb): the plan and change lines that apply,
// apply --config, the Debian form, status --check and watch print, the operations
// written, and what an apply reports before its result (ops::ApplyResult's progress).
// Every target name and value goes through printable() here.

#include "context.hpp"
#include "json.hpp"
#include "ops/apply.hpp"

#include <ostream>
#include <string>

namespace ncs::cli {

/// "remote_mac 02:..:01 → 02:..:03 (reason)", raw: printable() it on the way out.
std::string change_text(const reconcile::Change& change);

/// What a created target gets: "remote_ip 192.0.2.5, remote_port 6666", raw.
std::string created_text(const reconcile::TargetPlan& target);

/// Whether plan lines say what would be done (a dry run) or what is done.
enum class Tense { would, done };

/// The lines of a created or updated target: "target w: [would ]create: ..." and
/// "target w: [would change ]<change_text>"; nothing for other kinds.
void write_plan_lines(std::ostream& out, const reconcile::TargetPlan& target, Tense tense);

/// A plan as `--dry-run` prints it: "target w: would create: ...", "target w: would
/// change remote_port 6666 → 6667", "target w: unchanged"; with --json an object per
/// target with "changed".
void print_plan(const reconcile::Plan& plan, const Context& context);

/// One operation written, as apply lists it: "mkdir", "remote_port 6667 (was 6666)".
std::string describe(const apply::Operation& op, apply::Outcome outcome);

/// {"op", "path", "value", "previous"} of one operation written.
Json operation_json(const apply::Operation& op);

/// What came before an apply's changes, in order: the crash warning, each target's
/// steps (-v) and warnings, the steps getting the kernel ready; then throws where it
/// stopped (a resolution failure, the error), if it did.
void report_progress(const ops::ApplyResult& result, const Context& context);

} // namespace ncs::cli
