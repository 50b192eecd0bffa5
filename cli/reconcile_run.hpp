#pragma once
// The CLI's side of the one reconcile path (lib/reconcile): `apply`, `apply --config`,
// the Debian form, `status --check` and `watch` resolve desired targets, plan and apply
// through these, and differ only in where the targets come from and what they print.

#include "context.hpp"
#include "reconcile/reconcile.hpp"
#include "target_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ncs::cli {

/// The desired targets of the command line: one per --to, each with name, userdata
/// (KEY=VALUE texts) and sysdata (a LIST text). Validated (reconcile::validate).
/// Throws InputError.
std::vector<reconcile::DesiredTarget> desired_from_options(
    const TargetOptions& options, const std::optional<std::string>& name,
    const std::vector<std::string>& userdata, const std::optional<std::string>& sysdata);

/// Resolves every desired target in order (one netlink session) and finishes it
/// (reconcile::finish); reports each one's steps (-v) and typed warnings, named by the
/// target when name_each or when there are several. Throws InputError for two targets
/// of one name, and as resolution does: nothing is applied unless all resolve.
std::vector<reconcile::Wanted> resolve_desired(const std::vector<reconcile::DesiredTarget>& desired,
                                               const Context& context, bool name_each);

/// Gets the running kernel ready for configfs targets (apply::prepare_kernel on the
/// real configfs and modules) and shows each step it took (-v). Throws as it does.
void prepare_kernel(const LiveKernel& kernel, const Context& context);

/// What configfs holds now, read only (under --root too); no netconsole directory is
/// an empty Live whose targets would all be created.
reconcile::Live read_live_state(const Context& context);

/// A plan as `--dry-run` prints it: "target w: would create: ...", "target w: would
/// change remote_port 6666 → 6667", "target w: unchanged"; with --json an object per
/// target with "changed".
void print_plan(const reconcile::Plan& plan, const Context& context);

/// "remote_mac 02:..:01 → 02:..:03 (reason)", raw: printable() it on the way out.
std::string change_text(const reconcile::Change& change);

/// What a created target gets: "remote_ip 192.0.2.5, remote_port 6666", raw.
std::string created_text(const reconcile::TargetPlan& target);

} // namespace ncs::cli
