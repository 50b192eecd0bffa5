#pragma once
// netconsole-setup watch: keep configfs targets right while the network changes.
// Subscribed to rtnetlink (lib/system/netlink.hpp's NetlinkMonitor), it re-resolves
// a target only when an event can change its route, source, device or next-hop MAC
// (affects(), pure), coalesces bursts with a debounce, resynchronises everything on
// overrun, and retries unresolvable targets with backoff, never disabling them.
// Resolutions run side by side in the one event loop: a host name is looked up on a
// thread of its own (HostLookups, its completion an fd in the loop), the route is a
// quick request, the next hop's MAC a NeighbourWait fed by the monitor's neighbour
// events and its timer, so a DNS server or a next hop that never answers delays no
// other target, no signal and no watchdog ping; an event that concerns a target drops
// its resolution in flight (a lookup's late answer is ignored) and starts it afresh.
// Writes go through reconcile::plan/apply_plan; the library never prints: the
// caller's WatchSink reports.

#include "reconcile/reconcile.hpp"
#include "system/netlink.hpp"
#include "system/root.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ncs::reconcile {

/// What a watched target currently depends on, from its last resolution.
struct Watched {
    IpAddress remote;
    std::string dev_name;               ///< the device it leaves by
    int ifindex = 0;                    ///< of dev_name when resolved; 0: unknown
    std::optional<IpAddress> next_hop;  ///< gateway, or remote when on-link
    std::optional<MacAddress> remote_mac;
    std::optional<IpAddress> local_ip;  ///< the source it sends from, when known
    bool resolved = false;              ///< false: the last resolution failed
};

/// Pure: whether event can change what target resolves to (so it must be resolved
/// again). An overrun and a routing rule of its family always can; a route when its
/// prefix covers the remote or the next hop; an address on its device or equal to its
/// source; a link with its index or its device's name; a neighbour entry of its next
/// hop on its device whose MAC differs or that went away or failed. An unresolved
/// target is concerned by every link, address, route and rule event of its family,
/// and by its last next hop's entry when it shows a MAC (it answers now).
bool affects(const NetworkEvent& event, const Watched& target);

struct WatchOptions {
    /// A burst ends when no event concerning a target came for `quiet`, and at the
    /// latest `debounce` after its first event (so a steady trickle cannot delay it).
    std::chrono::milliseconds debounce{30};
    std::chrono::milliseconds quiet{10};
    std::chrono::milliseconds first_retry{1000};
    std::chrono::milliseconds max_retry{60000};
    bool dry_run = false;  ///< plan and report, write nothing (assume the plan applied)
    int receive_buffer = 0; ///< SO_RCVBUF of the event socket; 0: the default
};

/// How long a reconcile took.
struct PlanTiming {
    /// From the first event of the burst (zero for the first apply and retries) to
    /// the plan made (and applied).
    std::chrono::microseconds elapsed{0};
    /// The same from the end of the debounce: resolution, plan and writes.
    std::chrono::microseconds after_debounce{0};
    /// Of after_debounce, the time spent resolving (route, and waiting for the next
    /// hop's MAC): after_debounce - resolving is the watcher's own share.
    std::chrono::microseconds resolving{0};
    /// Of after_debounce, reading the live configfs state, and the writes (the
    /// kernel's disable, write, enable of each changed target).
    std::chrono::microseconds reading{0};
    std::chrono::microseconds writing{0};
};

/// What the watcher reports; implemented by the CLI.
class WatchSink {
public:
    virtual ~WatchSink() = default;
    /// The first pass is over: every target's first resolution ended (and was planned,
    /// applied or found unresolvable, left as it is and retried), or the longest
    /// --timeout (plus a second) passed; the service is ready.
    virtual void ready() = 0;
    /// An event, and the targets it concerns (empty: none), for -v.
    virtual void event(const NetworkEvent& event, const std::vector<std::string>& concerned) = 0;
    /// A plan and whether it was applied (false under dry_run), with its timing.
    virtual void planned(const Plan& plan, bool applied, const PlanTiming& timing) = 0;
    /// A reconcile failed (the kernel refused a write: everything was undone), error as
    /// it was thrown (its mentions, location and type kept); the watcher goes on and retries.
    virtual void failed(const std::exception_ptr& error) = 0;
    /// Once a second at most, while running: for the systemd watchdog.
    virtual void alive() = 0;
    /// SIGHUP: the configuration was read again (error null), or could not be: error, the
    /// InputError as it was thrown.
    virtual void reloaded(const std::exception_ptr& error) = 0;
};

/// Reads the desired targets (the configuration); throws InputError for bad input.
using LoadDesired = std::function<std::vector<DesiredTarget>()>;

/// Called once a loaded configuration was planned (and applied): the first time and
/// after each SIGHUP that read it. listed: the names of its targets; all_named false
/// when one of them has no name yet (unnamed and never resolved), so that the caller
/// removes nothing it cannot tell is still listed. The caller removes what it made
/// earlier and listed no longer names (`watch --config`: apply --config's record).
/// made: under dry_run, the names its plans assume made (configfs does not hold them).
/// Returns the names removed (or that would be: a dry run forgets it assumed them).
/// What it throws is reported to the sink as failed() (thrown, the first time).
using ConfigurationApplied = std::function<std::vector<std::string>(
    const std::vector<std::string>& listed, bool all_named, const std::vector<std::string>& made)>;

/// Runs until SIGTERM or SIGINT (returns 0, targets left as they are), resolving
/// (reading sysfs under root) in the background. Each target is planned (and applied)
/// as soon as its resolution ends. During the first load's first pass (until ready())
/// bad input, an unnamed target that cannot be resolved and a failed write are thrown
/// (InputError, OperationError) so the caller exits non-zero; later errors are reported
/// to sink. A SIGHUP whose load throws InputError keeps the configuration loaded
/// before: its targets are still watched. applied, when set, follows the first pass
/// of each load.
int watch(const LoadDesired& load, const Root& root, ConfigfsFiles& files,
          const std::filesystem::path& dir, const WatchOptions& options, WatchSink& sink,
          const ConfigurationApplied& applied = {});

} // namespace ncs::reconcile
