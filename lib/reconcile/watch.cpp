#include "reconcile/watch.hpp"

#include "model/errors.hpp"
#include "system/event_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <map>

namespace ncs::reconcile {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

/// Whether address lies in prefix/length (both of one family).
bool covers(const IpAddress& prefix, unsigned length, const IpAddress& address) {
    if (prefix.family() != address.family()) {
        return false;
    }
    const auto a = prefix.bytes();
    const auto b = address.bytes();
    const unsigned bits = std::min<unsigned>(length, static_cast<unsigned>(a.size()) * 8);
    for (unsigned i = 0; i < bits; ++i) {
        const auto mask = static_cast<std::uint8_t>(0x80U >> (i % 8));
        if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
            return false;
        }
    }
    return true;
}

bool same_family(const NetworkEvent& event, const Watched& target) {
    return !event.family || *event.family == target.remote.family();
}

/// The state of one desired target in the loop.
struct Entry {
    DesiredTarget desired;
    std::string name;  ///< known after the first resolution (or desired.name)
    Watched watched;
    bool dirty = true;
    std::optional<Clock::time_point> retry_at;
    std::chrono::milliseconds backoff{0};
};

class Watcher {
public:
    Watcher(const LoadDesired& load, const ResolveOne& resolve, ConfigfsFiles& files,
            fs::path dir, const WatchOptions& options, WatchSink& sink,
            const ConfigurationApplied& applied)
        : m_load(load), m_resolve(resolve), m_files(files), m_dir(std::move(dir)),
          m_options(options), m_sink(sink), m_applied(applied),
          m_monitor(options.receive_buffer) {}

    int run() {
        // Subscribed before the first resolution, so no change after it is missed.
        EventLoop loop({SIGTERM, SIGINT, SIGHUP});
        loop.add(m_monitor.fd());
        load();
        reconcile(Clock::now(), true);
        configuration_applied();
        m_sink.ready();
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
            if (!wake.readable.empty()) {
                events.clear();
                m_monitor.read(events);
                for (const auto& e : events) {
                    consider(e);
                }
            }
            const auto now = Clock::now();
            if (now - last_alive >= std::chrono::seconds(1)) {
                m_sink.alive();
                last_alive = now;
            }
            if (m_burst && now >= burst_end()) {
                reconcile(*m_burst, false);
                m_burst.reset();
            } else if (!m_burst && retry_due(now)) {
                reconcile(now, false); // a retry: no event to measure from
            }
        }
    }

private:
    const LoadDesired& m_load;
    const ResolveOne& m_resolve;
    ConfigfsFiles& m_files;
    fs::path m_dir;
    const WatchOptions& m_options;
    WatchSink& m_sink;
    const ConfigurationApplied& m_applied;
    NetlinkMonitor m_monitor;
    Netlink m_netlink;
    std::vector<Entry> m_entries;
    std::optional<Clock::time_point> m_burst;      ///< first event of the pending burst
    Clock::time_point m_burst_last;                ///< its latest event
    std::map<std::string, ConfigfsTarget> m_assumed; ///< dry run: what the plans made

    /// Replaces the entries only once the whole configuration was read and validated:
    /// on InputError the old ones stay. A dry run keeps what it assumed applied
    /// (m_assumed): the next plan is against it.
    void load() {
        auto desired = m_load();
        validate(desired);
        std::vector<Entry> entries;
        for (auto& d : desired) {
            Entry e;
            e.desired = std::move(d);
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
    }

    void reload() {
        try {
            load();
        } catch (const InputError& e) {
            // load() replaces nothing before the whole file is good: the old
            // configuration stays, its targets as they are and still watched.
            m_sink.reloaded(std::string(e.what()));
            return;
        }
        m_sink.reloaded(std::nullopt);
        reconcile(Clock::now(), false);
        try {
            configuration_applied();
        } catch (const OperationError& e) {
            m_sink.failed(e.what(), e.hint());
        } catch (const std::exception& e) {
            m_sink.failed(e.what(), {});
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
        m_applied(listed, all_named);
    }

    void consider(const NetworkEvent& event) {
        std::vector<std::string> concerned;
        for (auto& e : m_entries) {
            if (affects(event, e.watched)) {
                e.dirty = true;
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
            if (e.retry_at && now >= *e.retry_at) {
                e.dirty = true;
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
        for (const auto& e : m_entries) {
            if (e.retry_at) {
                earliest(*e.retry_at);
            }
        }
        return deadline;
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

    void reconcile(Clock::time_point since, bool first) {
        const auto started = Clock::now();
        std::vector<Wanted> wanted;
        std::vector<Entry*> planned;
        std::vector<TargetWarning> warnings;
        Clock::duration resolving{0};
        for (auto& e : m_entries) {
            if (!e.dirty) {
                continue;
            }
            e.dirty = false;
            Wanted w;
            try {
                const auto resolution = [&] {
                    // Counted also when resolving throws.
                    struct Timed {
                        Clock::time_point start;
                        Clock::duration& total;
                        ~Timed() { total += Clock::now() - start; }
                    } timed{Clock::now(), resolving};
                    return m_resolve(e.desired.request);
                }();
                auto target = finish(e.desired, resolution);
                e.name = target.name;
                auto found = warnings_of(e.desired, resolution, target);
                warnings.insert(warnings.end(), found.begin(), found.end());
                e.watched = watched_of(target, resolution);
                w = {target.name, target, {}, false, e.watched.next_hop};
                e.retry_at.reset();
                e.backoff = std::chrono::milliseconds(0);
            } catch (const InputError& error) {
                if (first) {
                    throw;
                }
                w = unresolved(e, error.what());
            } catch (const std::exception& error) {
                if (first && !e.desired.name) {
                    // Without a name the target cannot be kept under its name:
                    // the first resolution must succeed.
                    throw;
                }
                w = unresolved(e, error.what());
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
            } catch (const OperationError& error) {
                if (first) {
                    throw;
                }
                m_sink.failed(error.what(), error.hint());
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
        timing.elapsed = first ? std::chrono::microseconds(0) : micro(now - since);
        timing.after_debounce = micro(now - started);
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

    void schedule_retry(Entry& e) {
        e.backoff = e.backoff.count() == 0 ? m_options.first_retry
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
        // Anything may have brought the route or the device back (not neighbours:
        // a failed resolution retries them on its own schedule).
        return event.kind != Kind::neighbour && same_family(event, target);
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
        return covers(event.route_destination, event.route_prefix, target.remote) ||
               (target.next_hop &&
                covers(event.route_destination, event.route_prefix, *target.next_hop));
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

int watch(const LoadDesired& load, const ResolveOne& resolve, ConfigfsFiles& files,
          const fs::path& dir, const WatchOptions& options, WatchSink& sink,
          const ConfigurationApplied& applied) {
    Watcher watcher(load, resolve, files, dir, options, sink, applied);
    return watcher.run();
}

} // namespace ncs::reconcile
