#pragma once
// Resolution through netlink: route (RTM_GETROUTE), next hop, neighbour MAC
// (RTM_GETNEIGH, NTF_USE), interface facts (RTM_GETLINK).
// Spec: shared/reference/libnl-resolution.md.

#include "resolve/neighbour.hpp"
#include "resolve/request.hpp"
#include "system/host_name.hpp"
#include "system/root.hpp"

#include <exception>
#include <memory>
#include <optional>
#include <vector>

namespace ncs {

/// Resolves every missing field of request the way the kernel would route.
/// Throws InputError for bad requests, OperationError when resolution fails.
Resolution resolve(const TargetRequest& request);

/// Resolves several targets with one netlink session, in order.
std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests);

/// resolve_all() reading sysfs (Wi-Fi detection) under root instead of "/".
std::vector<Resolution> resolve_all(const std::vector<TargetRequest>& requests, const Root& root);

/// One request's outcome in try_resolve_all(): its resolution, or the error it failed
/// with and the steps it had completed before.
struct Attempt {
    std::optional<Resolution> resolution;
    std::exception_ptr error;
    std::vector<Step> steps_before_error;
};

/// resolve_all() that goes on after a failing request, so that every failure can be
/// reported; never throws for one request's failure.
std::vector<Attempt> try_resolve_all(const std::vector<TargetRequest>& requests, const Root& root);

/// One resolution driven by an event loop (watch), with resolve()'s steps, warnings and
/// errors: start() runs everything before the next hop's MAC (route, link: quick
/// requests) and starts its NeighbourWait, which the caller then feeds with the entry's
/// neighbour events, overruns and its timer, from a socket subscribed to RTNLGRP_NEIGH
/// before start(). A host name is first looked up on lookups (getaddrinfo may block for
/// seconds): the caller hands its completion to on_lookup(), and the rest starts then.
/// Destroyed before that (superseded), it cancels the lookup. Every call may throw as
/// resolve() does.
class PendingResolution {
public:
    PendingResolution(Netlink& netlink, HostLookups& lookups, const Root& root,
                      const TargetRequest& request);
    ~PendingResolution();
    PendingResolution(const PendingResolution&) = delete;
    PendingResolution& operator=(const PendingResolution&) = delete;

    /// Starts the host name's lookup, or resolves up to the MAC; may finish at once (a
    /// settled entry, --mac, explicit).
    void start();
    /// The host name's lookup it waits for, or nullopt.
    std::optional<HostLookups::Id> lookup() const noexcept;
    /// A completion from lookups: when it is lookup()'s, resolves up to the MAC (or
    /// throws what the lookup failed with).
    void on_lookup(const HostLookups::Completion& completion);
    /// Whether take() has the resolution.
    bool done() const noexcept;
    /// The neighbour wait in progress (its entry and next_timer()), or nullptr.
    const NeighbourWait* neighbour() const;
    /// An RTM_NEWNEIGH of the entry neighbour() waits for.
    void on_neighbour(const Neighbour& entry);
    /// Neighbour events were lost: the entry is read again.
    void on_overrun();
    /// neighbour()->next_timer() passed.
    void on_timer();
    /// The resolution, once done() (once).
    Resolution take();

private:
    struct State;
    template <typename Action>
    void drive(Action step);
    std::unique_ptr<State> m_state;
};

} // namespace ncs
