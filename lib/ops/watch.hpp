#pragma once
// watch as one library call (issue 21): get the kernel ready, then keep the targets of
// the command line or of a configuration right while the network changes (lib/reconcile's
// loop, which resolves in the library: one netlink session), removing what a
// configuration made and no longer lists. Never prints: the CLI's sink reports.

#include "model/crash_delivery.hpp"
#include "ops/config.hpp"
#include "reconcile/watch.hpp"
#include "system/root.hpp"
#include "system/systemd.hpp" // ServiceNotifier: the CLI hands readiness to systemd

#include <optional>
#include <string>
#include <vector>

namespace ncs::ops {

/// A watch: the targets of the command line, or of a configuration file.
struct WatchRequest {
    std::vector<reconcile::DesiredTarget> desired; ///< checked by the loop, as each load
    /// `--config`: the file whose configuration (read_configuration) is watched, read
    /// again on each SIGHUP; desired is unused.
    std::optional<std::string> config_file;
    /// The configuration as make_watch_request read it, the first load's (its note is the
    /// caller's to show once).
    Configuration configuration;
    reconcile::WatchOptions options;
    std::optional<LiveKernel> kernel; ///< nullopt: a dry run, which only reads (any root)
    const Root* root = nullptr;
};

/// A watch of the command line's targets, validated now (reconcile::validate), before
/// anything needs root or the kernel: bad input is reported first. Throws InputError.
WatchRequest make_watch_request(std::vector<reconcile::DesiredTarget> desired, const Root& root);

/// A watch of config_file's configuration, read now (read_configuration) so that bad
/// input is reported before anything needs root or the kernel. Throws as it does.
WatchRequest make_watch_request(const std::string& config_file, const Root& root);

/// What a watch reports besides the loop's reports.
class WatchSink : public reconcile::WatchSink {
public:
    /// Before anything else: will a panic reach the doctor.
    virtual void crash(const CrashVerdict& verdict) = 0;
    /// The steps that got the kernel ready (not in a dry run).
    virtual void prepared(const std::vector<std::string>& steps) = 0;
    /// A configuration read lists no target: it watches none until a SIGHUP reads some.
    virtual void no_target() = 0;
    /// Targets made by an earlier configuration that this one no longer lists, removed
    /// (or, in a dry run, that would be).
    virtual void removed(const std::vector<std::string>& names) = 0;
};

/// Runs request until SIGTERM or SIGINT (reconcile::watch); returns 0. Throws as it does,
/// and as getting the kernel ready does.
int watch(const WatchRequest& request, WatchSink& sink);

} // namespace ncs::ops
