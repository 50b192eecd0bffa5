#include "reconcile/watch.hpp"

#include "model/errors.hpp"
#include "resolve/resolver.hpp"
#include "system/event_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>

namespace ncs::reconcile {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

bool same_family(const NetworkEvent& event, const Watched& target) {
    // Never resolved, a host name's family is not known yet: every family concerns it.
    return !event.family || (!target.resolved && target.remote.is_unspecified()) ||
           *event.family == target.remote.family();
}

/// What ended one resolution: the resolution, or why it failed.
struct Outcome {
    std::optional<Resolution> resolution;
    std::exception_ptr failure;
};

/// The caught error's message, mentions kept (message_of()).
std::string message_of(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return ncs::message_of(e);
    } catch (...) {
        return "unknown error";
    }
}

/// The state of one desired target in the loop.
struct Entry {
    DesiredTarget desired;
    std::string name;  ///< known after the first resolution (or desired.name)
    Watched watched;
    bool dirty = true; ///< to be resolved (afresh) when the pending burst ends
    bool attempted = false; ///< a resolution of the current configuration ended
    std::unique_ptr<PendingResolution> pending; ///< the resolution in flight
    std::optional<Outcome> outcome;             ///< ended, not planned yet
    /// For the timing: the burst's first event (nullopt for the first pass and
    /// retries), when the resolution started and ended.
    std::optional<Clock::time_point> since;
    Clock::time_point started;
    Clock::time_point ended;
    bool by_event = false; ///< the resolution answers an event, not a timed retry
    std::optional<Clock::time_point> retry_at;
    std::chrono::milliseconds backoff{0};
};

/// READY (and the configuration's removals) wait for every target's first attempt,
/// but never longer than the longest --timeout plus this (route lookups, writes).
constexpr std::chrono::milliseconds k_pass_slack{1000};

class Watcher {
public:
    Watcher(const LoadDesired& load, const Root& root, ConfigfsFiles& files, fs::path dir,
            const WatchOptions& options, WatchSink& sink, const ConfigurationApplied& applied)
        : m_load(load), m_root(root), m_files(files), m_dir(std::move(dir)),
          m_options(options), m_sink(sink), m_applied(applied),
          m_monitor(options.receive_buffer) {}

    int run() {
        // Subscribed before the first resolution, so no change after it is missed (and
        // the neighbour waits see every answer to what they trigger).
        EventLoop loop({SIGTERM, SIGINT, SIGHUP});
        loop.add(m_monitor.fd());
        loop.add(m_lookups.fd());
        load();
        m_first = true;
        start_dirty(std::nullopt);
        settle();
        auto last_alive = Clock::now();
        std::vector<NetworkEvent> events;
        for (;;) {
            const auto wake = loop.wait(next_deadline(last_alive));
            for (const int s : wake.signals) {
                if (s == SIGTERM || s == SIGINT) {
                    return 0;
                }
                if (s == SIGHUP) {
                    reload();
                }
            }
            const auto readable = [&](int fd) {
                return std::find(wake.readable.begin(), wake.readable.end(), fd) !=
                       wake.readable.end();
            };
            if (readable(m_lookups.fd())) {
                for (const auto& completion : m_lookups.take()) {
                    for (auto& e : m_entries) {
                        if (e.pending && e.pending->lookup() == completion.id) {
                            drive(e, [&](PendingResolution& p) { p.on_lookup(completion); });
                        }
                    }
                }
            }
            if (readable(m_monitor.fd())) {
                events.clear();
                m_monitor.read(events);
                for (const auto& e : events) {
                    feed(e);
                    consider(e);
                }
            }
            auto now = Clock::now();
            for (auto& e : m_entries) {
                if (e.pending && !e.pending->done() && e.pending->neighbour() != nullptr &&
                    now >= e.pending->neighbour()->next_timer()) {
                    drive(e, [](PendingResolution& p) { p.on_timer(); });
                }
            }
            now = Clock::now();
            if (now - last_alive >= std::chrono::seconds(1)) {
                m_sink.alive();
                last_alive = now;
            }
            if (m_burst && now >= burst_end()) {
                const auto since = *m_burst;
                m_burst.reset();
                start_dirty(since);
            }
            if (!m_burst && retry_due(Clock::now())) {
                start_dirty(std::nullopt);
            }
            settle();
        }
    }

private:
    const LoadDesired& m_load;
    const Root& m_root;
    ConfigfsFiles& m_files;
    fs::path m_dir;
    const WatchOptions& m_options;
    WatchSink& m_sink;
    const ConfigurationApplied& m_applied;
    NetlinkMonitor m_monitor;
    Netlink m_netlink;
    HostLookups m_lookups; ///< before m_entries: their resolutions cancel lookups in it
    std::vector<Entry> m_entries;
    std::optional<Clock::time_point> m_burst;      ///< first event of the pending burst
    Clock::time_point m_burst_last;                ///< its latest event
    std::map<std::string, ConfigfsTarget> m_assumed; ///< dry run: what the plans made
    bool m_first = true;      ///< the first configuration's first pass: errors are thrown
    bool m_pass = false;      ///< a configuration's first pass is under way
    Clock::time_point m_pass_deadline;

    /// Replaces the entries only once the whole configuration was read and validated:
    /// on InputError the old ones stay. A dry run keeps what it assumed applied
    /// (m_assumed): the next plan is against it. Resolutions in flight for the old
    /// entries are dropped: the new ones start afresh.
    void load() {
        auto desired = m_load();
        validate(desired);
        std::vector<Entry> entries;
        auto longest = std::chrono::milliseconds(0);
        for (auto& d : desired) {
            Entry e;
            e.desired = std::move(d);
            longest = std::max(longest, e.desired.request.timeout);
            // What it is known to depend on before any resolution: the remote's family.
            if (const auto literal = IpAddress::try_parse(e.desired.request.to)) {
                e.watched.remote = literal->without_zone();
            } else {
                e.watched.remote = IpAddress::any(e.desired.request.family.value_or(IpFamily::v4));
            }
            if (e.desired.name) {
                e.name = *e.desired.name;
            } else {
                // Unnamed, it is named after its remote and port once resolved: the
                // same line read again keeps the name its last resolution gave, so that
                // a failing resolution now does not make it look dropped.
                for (const auto& old : m_entries) {
                    if (!old.desired.name && old.desired.request.to == e.desired.request.to &&
                        old.desired.request.remote_port == e.desired.request.remote_port) {
                        e.name = old.name;
                    }
                }
            }
            entries.push_back(std::move(e));
        }
        m_entries = std::move(entries);
        m_pass = true;
        m_pass_deadline = Clock::now() + longest + k_pass_slack;
    }

    void reload() {
        try {
            load();
        } catch (const InputError&) {
            // load() replaces nothing before the whole file is good: the old
            // configuration stays, its targets as they are and still watched.
            m_sink.reloaded(std::current_exception());
            return;
        }
        m_sink.reloaded(nullptr);
        start_dirty(std::nullopt);
    }

    /// The first pass of a configuration is over when every target's resolution ended
    /// once (or its time is up): the configuration is applied (removals), and the
    /// first time the service is ready.
    void end_pass_when_done() {
        if (!m_pass) {
            return;
        }
        const bool all = std::all_of(m_entries.begin(), m_entries.end(),
                                     [](const Entry& e) { return e.attempted; });
        if (!all && Clock::now() < m_pass_deadline) {
            return;
        }
        m_pass = false;
        const bool first = m_first;
        m_first = false;
        if (first) {
            configuration_applied(); // thrown the first time: watch fails
            m_sink.ready();
            return;
        }
        try {
            configuration_applied();
        } catch (const std::exception&) {
            m_sink.failed(std::current_exception());
        }
    }

    /// Tells m_applied the names the configuration lists now.
    void configuration_applied() {
        if (!m_applied) {
            return;
        }
        std::vector<std::string> listed;
        bool all_named = true;
        for (const auto& e : m_entries) {
            if (e.name.empty()) {
                all_named = false;
            } else {
                listed.push_back(e.name);
            }
        }
        std::vector<std::string> made;
        for (const auto& [name, target] : m_assumed) {
            made.push_back(name);
        }
        for (const auto& name : m_applied(listed, all_named, made)) {
            m_assumed.erase(name); // a dry run's removal: its later plans see it gone
        }
    }

    /// An event that concerns the entry a resolution waits for goes to it.
    void feed(const NetworkEvent& event) {
        using Kind = NetworkEvent::Kind;
        if (event.kind != Kind::neighbour && event.kind != Kind::overrun) {
            return;
        }
        for (auto& e : m_entries) {
            const auto* wait = e.pending && !e.pending->done() ? e.pending->neighbour() : nullptr;
            if (wait == nullptr) {
                continue;
            }
            if (event.kind == Kind::overrun) {
                drive(e, [](PendingResolution& p) { p.on_overrun(); });
            } else if (!event.removed && event.neighbour.ifindex == wait->next_hop().ifindex &&
                       event.neighbour.destination.without_zone() == wait->next_hop().address) {
                drive(e, [&](PendingResolution& p) { p.on_neighbour(event.neighbour); });
            }
        }
    }

    void consider(const NetworkEvent& event) {
        std::vector<std::string> concerned;
        for (auto& e : m_entries) {
            // A resolution in flight reads its own neighbour entry (feed); a neighbour
            // event never makes it (or its outcome, not planned yet) stale. Anything else that concerns the target does:
            // it is dropped and started afresh once the burst is over.
            if ((e.pending || e.outcome) && event.kind == NetworkEvent::Kind::neighbour) {
                continue;
            }
            if (affects(event, e.watched)) {
                e.dirty = true;
                e.pending.reset();
                e.outcome.reset();
                concerned.push_back(e.name.empty() ? e.desired.request.to : e.name);
            }
        }
        m_sink.event(event, concerned);
        if (!concerned.empty()) {
            m_burst_last = Clock::now();
            if (!m_burst) {
                m_burst = m_burst_last;
            }
        }
    }

    /// When the pending burst is over: quiet for a while, or at the latest debounce.
    Clock::time_point burst_end() const {
        return std::min(*m_burst + m_options.debounce, m_burst_last + m_options.quiet);
    }

    bool retry_due(Clock::time_point now) {
        bool due = false;
        for (auto& e : m_entries) {
            if (e.retry_at && now >= *e.retry_at && !e.pending && !e.dirty) {
                e.dirty = true;
                e.retry_at.reset();
                due = true;
            }
        }
        return due;
    }

    std::optional<Clock::time_point> next_deadline(Clock::time_point last_alive) const {
        std::optional<Clock::time_point> deadline = last_alive + std::chrono::seconds(1);
        auto earliest = [&](Clock::time_point t) {
            if (!deadline || t < *deadline) {
                deadline = t;
            }
        };
        if (m_burst) {
            earliest(burst_end());
        }
        if (m_pass) {
            earliest(m_pass_deadline);
        }
        for (const auto& e : m_entries) {
            if (e.retry_at) {
                earliest(*e.retry_at);
            }
            if (e.pending && !e.pending->done() && e.pending->neighbour() != nullptr) {
                earliest(e.pending->neighbour()->next_timer());
            }
        }
        return deadline;
    }

    /// Starts a resolution for every dirty entry that has none in flight. A host name is
    /// looked up off the loop (m_lookups); the quick part (route, link) runs now, or
    /// once the name's addresses came; the neighbour wait goes on in the loop.
    /// since: the first event of the burst they answer (nullopt: none).
    void start_dirty(std::optional<Clock::time_point> since) {
        for (auto& e : m_entries) {
            if (!e.dirty) {
                continue;
            }
            e.dirty = false;
            e.retry_at.reset();
            e.since = since;
            e.by_event = since.has_value();
            e.started = Clock::now();
            e.outcome.reset();
            e.pending = std::make_unique<PendingResolution>(m_netlink, m_lookups, m_root,
                                                            e.desired.request);
            drive(e, [](PendingResolution& p) { p.start(); });
        }
    }

    /// One step of e's resolution; when it ends (or throws), its outcome waits to be
    /// planned. The first configuration's bad input, and an unnamed target that cannot
    /// be resolved at first, are thrown: watch fails.
    template <typename Action>
    void drive(Entry& e, Action action) {
        try {
            action(*e.pending);
            if (!e.pending->done()) {
                return;
            }
            e.outcome = Outcome{e.pending->take(), nullptr};
        } catch (const InputError& error) {
            if (m_first) {
                throw;
            }
            e.outcome = Outcome{std::nullopt, std::current_exception()};
        } catch (const std::exception& error) {
            if (m_first && !e.desired.name) {
                // Without a name the target cannot be kept under its name: the first
                // resolution must succeed.
                throw;
            }
            e.outcome = Outcome{std::nullopt, std::current_exception()};
            if (const auto* wait = e.pending->neighbour()) {
                // Its next hop did not answer: an answer later (the router back, a
                // gratuitous ARP) is an event that can make it resolvable.
                e.watched.next_hop = wait->next_hop().address;
                e.watched.ifindex = wait->next_hop().ifindex;
            }
        }
        e.pending.reset();
        e.ended = Clock::now();
    }

    /// Plans (and applies) every resolution that ended, then ends the pass if it can.
    void settle() {
        reconcile();
        end_pass_when_done();
    }

    /// The facts a resolved target depends on: what its resolution found.
    Watched watched_of(const Target& target, const Resolution& resolution) {
        Watched w;
        w.resolved = true;
        w.remote = target.remote_ip.without_zone();
        // Resolved targets name their interface; one bound by MAC has no name to follow.
        if (const auto* dev = target.device_name()) {
            w.dev_name = *dev;
        }
        w.remote_mac = target.remote_mac;
        w.local_ip = target.local_ip;
        w.ifindex = resolution.ifindex;
        w.next_hop = resolution.next_hop;
        if (!w.next_hop) {
            // Every field given: no route was asked. Follow the device by its index,
            // and the remote as if on-link.
            w.next_hop = w.remote;
            if (!w.dev_name.empty()) {
                if (const auto link = m_netlink.get_link(w.dev_name)) {
                    w.ifindex = link->ifindex;
                }
            }
        }
        return w;
    }

    /// The live state of the targets named (those being planned).
    Live live_state(const std::vector<std::string>& names) {
        Live live = m_files.is_directory(m_dir) ? read_live(m_files, m_dir, names)
                                                : Live{false, {}, {}};
        if (!m_options.dry_run) {
            return live;
        }
        if (!live.configfs) {
            live.features = all_features();
        }
        for (const auto& [name, assumed] : m_assumed) {
            const auto it = std::find_if(live.targets.begin(), live.targets.end(),
                                         [&](const ConfigfsTarget& t) { return t.name == name; });
            if (it != live.targets.end()) {
                *it = assumed;
            } else {
                live.targets.push_back(assumed);
            }
        }
        return live;
    }

    /// One plan for the resolutions that ended since the last one.
    void reconcile() {
        const auto started = Clock::now();
        std::vector<Wanted> wanted;
        std::vector<Entry*> planned;
        std::vector<TargetWarning> warnings;
        std::optional<Clock::time_point> since;
        Clock::time_point first_start = started;
        Clock::duration resolving{0};
        for (auto& e : m_entries) {
            if (!e.outcome) {
                continue;
            }
            auto outcome = std::move(*e.outcome);
            e.outcome.reset();
            e.attempted = true;
            if (e.since && (!since || *e.since < *since)) {
                since = e.since;
            }
            first_start = std::min(first_start, e.started);
            resolving = std::max(resolving, e.ended - e.started);
            Wanted w;
            if (outcome.resolution) {
                try {
                    auto target = finish(e.desired, *outcome.resolution);
                    e.name = target.name;
                    auto found = warnings_of(e.desired, *outcome.resolution, target);
                    warnings.insert(warnings.end(), found.begin(), found.end());
                    e.watched = watched_of(target, *outcome.resolution);
                    w = {target.name, target, {}, false, e.watched.next_hop,
                         (outcome.resolution->neighbour_state & k_nud_permanent) != 0};
                    e.retry_at.reset();
                    e.backoff = std::chrono::milliseconds(0);
                } catch (const InputError& error) {
                    if (m_first) {
                        throw;
                    }
                    w = unresolved(e, ncs::message_of(error));
                }
            } else {
                w = unresolved(e, message_of(outcome.failure));
            }
            wanted.push_back(std::move(w));
            planned.push_back(&e);
        }
        if (wanted.empty()) {
            return;
        }
        std::vector<std::string> names;
        for (const auto& w : wanted) {
            names.push_back(w.name);
        }
        const auto read_start = Clock::now();
        const auto live = live_state(names);
        const auto read_end = Clock::now();
        Plan p = plan(wanted, live);
        p.warnings.insert(p.warnings.begin(), warnings.begin(), warnings.end());
        bool applied = false;
        const auto write_start = Clock::now();
        if (!m_options.dry_run) {
            try {
                apply_plan(m_files, m_dir, p);
                applied = p.changes_anything();
            } catch (const OperationError&) {
                if (m_first) {
                    throw;
                }
                m_sink.failed(std::current_exception());
                for (auto* e : planned) {
                    schedule_retry(*e);
                }
            }
        } else {
            for (const auto& t : p.targets) {
                if (t.target) {
                    m_assumed[t.name] = expected_live(*t.target, live.features);
                }
            }
        }
        const auto now = Clock::now();
        const auto micro = [](Clock::duration d) {
            return std::chrono::duration_cast<std::chrono::microseconds>(d);
        };
        PlanTiming timing;
        timing.elapsed = since ? micro(now - *since) : std::chrono::microseconds(0);
        timing.after_debounce = micro(now - first_start);
        timing.resolving = micro(resolving);
        timing.reading = micro(read_end - read_start);
        timing.writing = micro(now - write_start);
        m_sink.planned(p, applied, timing);
    }

    Wanted unresolved(Entry& e, const std::string& why) {
        e.watched.resolved = false;
        schedule_retry(e);
        Wanted w;
        w.name = e.name.empty() ? e.desired.request.to : e.name;
        w.unresolved = why;
        if (!e.watched.dev_name.empty()) {
            w.device_gone = !m_netlink.get_link(e.watched.dev_name).has_value();
        }
        return w;
    }

    /// Backoff grows only for attempts nothing changed for: a failure that answers
    /// an event starts again from the first delay.
    void schedule_retry(Entry& e) {
        e.backoff = e.backoff.count() == 0 || e.by_event
                        ? m_options.first_retry
                        : std::min(e.backoff * 2, m_options.max_retry);
        e.retry_at = Clock::now() + e.backoff;
    }
};

} // namespace

bool affects(const NetworkEvent& event, const Watched& target) {
    using Kind = NetworkEvent::Kind;
    if (event.kind == Kind::overrun) {
        return true;
    }
    if (!target.resolved) {
        // Anything may have brought the route or the device back; of neighbours, only
        // its next hop's entry with a MAC (it answers now). A failed entry's own
        // INCOMPLETE/FAILED events are not: backoff retries those.
        if (event.kind == Kind::neighbour) {
            const auto& n = event.neighbour;
            return !event.removed && n.lladdr && target.next_hop &&
                   n.ifindex == target.ifindex &&
                   n.destination.without_zone() == target.next_hop->without_zone();
        }
        return same_family(event, target);
    }
    switch (event.kind) {
    case Kind::rule:
        return same_family(event, target);
    case Kind::link:
        return event.link.ifindex == target.ifindex || event.link.name == target.dev_name;
    case Kind::address:
        if (!same_family(event, target)) {
            return false;
        }
        return event.address.ifindex == target.ifindex ||
               (target.local_ip && event.address.address == target.local_ip->without_zone());
    case Kind::route:
        if (!same_family(event, target)) {
            return false;
        }
        return prefix_covers(event.route_destination, event.route_prefix, target.remote) ||
               (target.next_hop &&
                prefix_covers(event.route_destination, event.route_prefix, *target.next_hop));
    case Kind::neighbour: {
        const auto& n = event.neighbour;
        if (n.ifindex != target.ifindex || !target.next_hop ||
            n.destination.without_zone() != target.next_hop->without_zone()) {
            return false;
        }
        if (event.removed || (n.state & (k_nud_failed | k_nud_incomplete)) != 0) {
            return true;
        }
        return n.lladdr && target.remote_mac && *n.lladdr != *target.remote_mac;
    }
    case Kind::overrun:
        return true;
    }
    return false;
}

int watch(const LoadDesired& load, const Root& root, ConfigfsFiles& files, const fs::path& dir,
          const WatchOptions& options, WatchSink& sink, const ConfigurationApplied& applied) {
    Watcher watcher(load, root, files, dir, options, sink, applied);
    return watcher.run();
}

} // namespace ncs::reconcile
