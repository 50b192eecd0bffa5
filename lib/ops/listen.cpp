#include "ops/listen.hpp"

#include "model/errors.hpp"
#include "receive/ack.hpp"
#include "forward/forward_url.hpp"
#include "forward/syslog.hpp"
#include "system/event_loop.hpp"
#include "system/sender_files.hpp"
#include "system/systemd.hpp"
#include "system/udp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <thread>
#include <memory>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace ncs::ops {
namespace {

using Wall = std::chrono::system_clock::time_point;

/// The largest UDP payload (IPv6 without jumbograms: 65,535 - 8), rounded up: no
/// datagram is ever cut (an unfragmented record of 5,000 bytes is whole).
constexpr std::size_t k_max_datagram = 65536;
/// Datagrams per recvmmsg; 64 x 64 KiB, allocated once.
constexpr std::size_t k_batch = 64;
/// Batches one socket may drain before the others and the signals have a turn.
constexpr int k_rounds = 64;

/// Records for stdout, rendered by the sink.
class StdoutOutput : public RecordOutput {
public:
    explicit StdoutOutput(ListenSink& sink) : m_sink(sink) {}
    void take(std::span<const receive::Record> records, Wall received) override {
        for (const auto& record : records) {
            m_sink.render(record, received, m_buffer);
        }
        if (!m_buffer.empty()) {
            m_open = m_sink.write(m_buffer) && m_open;
            m_buffer.clear();
        }
    }
    void count(ListenSummary&) const override {}
    bool can_take() const override { return m_open; }

private:
    ListenSink& m_sink;
    std::string m_buffer;
    bool m_open = true;
};

/// One file per stream (SenderFiles), named by the sender's address with the
/// interface's name (not its number) for a link-local sender, as one writes the zone,
/// and the doctor's port.
class FilesOutput : public RecordOutput {
public:
    FilesOutput(const std::filesystem::path& directory, ListenSink& sink)
        : m_sink(sink), m_files(directory, [&sink](const SenderFileEvent& e) {
              sink.event({e.kind == SenderFileEvent::Kind::failed ? ListenEvent::Kind::file_failed
                                                                  : ListenEvent::Kind::file_resumed,
                          e.name, e.path, e.error, e.unwritten, {}, {}});
          }) {}
    void take(std::span<const receive::Record> records, Wall received) override {
        for (const auto& record : records) {
            m_sink.render(record, received, m_scratch);
            m_files.add(file_name(record.sender), m_scratch);
            m_scratch.clear();
        }
        m_files.flush();
    }
    void reopen() override { m_files.reopen(); }
    void count(ListenSummary& summary) const override {
        summary.counts.unwritten_files = m_files.unwritten();
        summary.unwritten_by_sender = m_files.unwritten_by_name();
    }

private:
    /// "10.1.0.2@6666": the doctor's port too, so two targets of one patient (to two
    /// ports) never share a file.
    std::string file_name(const receive::SenderKey& sender) {
        const auto port = "@" + std::to_string(sender.local_port);
        if (sender.v4 || sender.scope == 0) {
            return sender.address_text() + port;
        }
        auto found = m_interfaces.find(sender.scope);
        if (found == m_interfaces.end()) {
            found = m_interfaces.emplace(sender.scope, interface_name(sender.scope)).first;
        }
        return sender.ip().to_string() + "%" + found->second + port;
    }

    ListenSink& m_sink;
    SenderFiles m_files;
    std::string m_scratch; ///< one record on its way to a file
    std::unordered_map<std::uint32_t, std::string> m_interfaces; ///< scope id -> name
};

/// Every record to journald. A failure is reported once per cause (errno), the records
/// it did not take are counted, and its return is reported.
class JournalRecords : public RecordOutput {
public:
    JournalRecords(Journal journal, ListenSink& sink)
        : m_journal(std::move(journal)), m_sink(sink) {}
    void take(std::span<const receive::Record> records, Wall) override {
        for (const auto& record : records) {
            send(record);
        }
    }
    void count(ListenSummary& summary) const override {
        summary.counts.unwritten_journal = m_unwritten;
    }

private:
    void send(const receive::Record& record) {
        try {
            // Once failing, do not wait on each record: a stopped journald would stall
            // receiving.
            m_journal.send(m_sink.journal_entry(record),
                           m_error != 0 ? Journal::Wait::no : Journal::Wait::briefly);
        } catch (const std::system_error& e) {
            ++m_unwritten;
            ++m_unwritten_here;
            if (e.code().value() != m_error) {
                m_error = e.code().value();
                m_sink.event(
                    {ListenEvent::Kind::journal_failed, {}, Journal::path(), m_error, 0, {}, {}});
            }
            return;
        }
        if (m_error != 0) {
            m_sink.event(
                {ListenEvent::Kind::journal_resumed, {}, Journal::path(), 0, m_unwritten_here, {}, {}});
            m_error = 0;
            m_unwritten_here = 0;
        }
    }

    Journal m_journal;
    ListenSink& m_sink;
    std::uint64_t m_unwritten = 0;
    std::uint64_t m_unwritten_here = 0; ///< since the failure began
    int m_error = 0;                    ///< the failure reported, 0 while it takes records
};

/// Records to one forward target as RFC 5424 messages (lib/forward). take() only
/// queues (Forwarder::submit); the output thread's loop drives the socket through
/// fd()/interest()/deadline()/poll(). A failure, a recovery and the start of drops
/// are each said once per episode.
class ForwardOutput : public RecordOutput {
public:
    ForwardOutput(ForwarderOptions options, ListenSink& sink)
        : m_forwarder(std::move(options)), m_sink(sink) {}
    void take(std::span<const receive::Record> records, Wall received) override {
        for (const auto& record : records) {
            m_forwarder.submit(forward::format_message(record, received).text);
        }
        poll(Forwarder::Clock::now());
    }
    void count(ListenSummary& summary) const override {
        summary.forwards.push_back({m_forwarder.url().to_string(), m_forwarder.stats()});
    }
    int fd() const { return m_forwarder.fd(); }
    EventLoop::Interest interest() const {
        return m_forwarder.wants_write() ? EventLoop::Interest::read_write
                                         : EventLoop::Interest::read;
    }
    std::optional<Forwarder::Clock::time_point> deadline() const { return m_forwarder.deadline(); }
    /// Failures so far: each closed the socket the loop was waiting on.
    std::uint64_t failures() const { return m_forwarder.stats().failures; }
    /// Whether messages still wait (in memory or in the spool).
    bool pending() const {
        const auto stats = m_forwarder.stats();
        return stats.queued > 0 || stats.spool_bytes > 0;
    }
    void poll(Forwarder::Clock::time_point now) {
        m_forwarder.poll(now);
        report();
    }

private:
    void report() {
        const auto stats = m_forwarder.stats();
        const auto target = m_forwarder.url().to_string();
        if (stats.failures > m_failures && !stats.connected && !m_down) {
            m_down = true;
            m_sink.event({ListenEvent::Kind::forward_failed, {}, {}, 0, stats.queued, target,
                          stats.last_error});
        } else if (stats.connected && m_down) {
            m_down = false;
            m_dropping = false;
            m_sink.event(
                {ListenEvent::Kind::forward_resumed, {}, {}, 0, stats.queued, target, {}});
        }
        m_failures = stats.failures;
        if (stats.dropped > m_dropped && !m_dropping) {
            m_dropping = true;
            m_sink.event({ListenEvent::Kind::forward_dropping, {}, {}, 0, stats.dropped, target,
                          stats.last_error});
        }
        m_dropped = stats.dropped;
    }

    Forwarder m_forwarder;
    ListenSink& m_sink;
    std::uint64_t m_failures = 0;
    std::uint64_t m_dropped = 0;
    bool m_down = false;
    bool m_dropping = false;
};

/// Records a worker delivered at one time.
struct Batch {
    std::vector<receive::Record> records;
    Wall received;
};

/// Records a worker may have waiting for the output thread before it waits too (as
/// a blocked stdout made the one loop wait): the socket buffer then takes the burst.
constexpr std::size_t k_max_waiting = 65536;

/// One worker's queue to the output thread: one lock per batch, never per datagram.
/// It also carries the worker's counts so far, for a summary on SIGUSR1.
class Handoff {
public:
    /// Worker: hands records over (leaving records empty); waits while the output
    /// thread is k_max_waiting records behind.
    void push(std::vector<receive::Record>& records, Wall received) {
        {
            std::unique_lock lock(m_mutex);
            m_room.wait(lock, [&] { return m_waiting < k_max_waiting || m_closed; });
            m_waiting += records.size();
            m_batches.push_back({std::move(records), received});
        }
        records.clear();
        m_wakeup.notify();
    }
    /// Worker: its counts now, for SIGUSR1 (at each expiry: the receiver's counts cost
    /// a walk over its streams, too much for every batch of a 10,000-patient fleet).
    void publish(ListenSummary summary) {
        std::lock_guard lock(m_mutex);
        m_summary = std::move(summary);
    }
    /// Worker: it has stopped (its error, if it failed).
    void finished(std::exception_ptr error) {
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
            m_error = std::move(error);
        }
        m_wakeup.notify();
    }
    /// Output thread: what is waiting, oldest first.
    std::vector<Batch> take() {
        m_wakeup.clear();
        std::vector<Batch> batches;
        {
            std::lock_guard lock(m_mutex);
            batches.swap(m_batches);
            m_waiting = 0;
        }
        m_room.notify_all();
        return batches;
    }
    /// Output thread: it takes nothing more (stopping); the worker never waits again.
    void close() {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_room.notify_all();
    }
    ListenSummary snapshot() const {
        std::lock_guard lock(m_mutex);
        return m_summary;
    }
    bool finished() const {
        std::lock_guard lock(m_mutex);
        return m_finished;
    }
    std::exception_ptr error() const {
        std::lock_guard lock(m_mutex);
        return m_error;
    }
    int fd() const { return m_wakeup.fd(); }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_room;
    std::vector<Batch> m_batches;
    std::size_t m_waiting = 0;
    bool m_closed = false;
    bool m_finished = false;
    std::exception_ptr m_error;
    ListenSummary m_summary;
    Wakeup m_wakeup;
};

/// The receiving state of one set of sockets: datagrams in, records out to a Handoff.
class Worker {
public:
    Worker(const ListenRequest& request, Handoff& handoff)
        : m_request(request), m_handoff(handoff), m_receiver(request.limits),
          m_batch(k_batch, k_max_datagram) {}

    /// Drains socket a while (k_rounds batches at most).
    void receive(UdpSocket& socket) {
        for (int round = 0; round < k_rounds; ++round) {
            const auto now = receive::Receiver::Clock::now();
            const auto received = m_batch.receive(socket);
            m_counts.socket_drops += m_batch.drops();
            for (std::size_t d = 0; d < received; ++d) {
                take(socket, d, now);
            }
            deliver(std::chrono::system_clock::now());
            if (received < k_batch) {
                return;
            }
        }
    }
    /// Adds what sockets dropped that no datagram since has said: the last records of
    /// a burst, when they are the ones a full buffer dropped.
    void count_drops(std::vector<UdpSocket>& sockets) {
        for (auto& socket : sockets) {
            m_counts.socket_drops += socket.take_drops();
        }
    }
    /// Delivers what timed out; publishes the per-stream counts.
    void expire() {
        m_receiver.expire(receive::Receiver::Clock::now(), m_records);
        deliver(std::chrono::system_clock::now());
        auto counts = summary();
        counts.streams = m_receiver.stream_stats();
        m_handoff.publish(std::move(counts));
    }
    /// Delivers everything still held, as at exit.
    void finish() {
        m_receiver.flush(m_records);
        deliver(std::chrono::system_clock::now());
    }
    /// The receiver's counts and listen's own.
    ListenSummary summary() const {
        ListenSummary summary;
        summary.stats = m_receiver.stats();
        summary.counts = m_counts;
        return summary;
    }
    std::vector<receive::StreamStats> streams() const { return m_receiver.stream_stats(); }

private:
    void take(const UdpSocket& socket, std::size_t d, receive::Receiver::Clock::time_point now) {
        const auto sender = m_batch.sender(d);
        if (!receive::allowed(m_request.allow, sender)) {
            ++m_counts.refused;
            return;
        }
        if (m_batch.truncated(d)) {
            ++m_counts.truncated;
        }
        const auto first = m_records.size();
        m_receiver.feed(sender, m_batch.payload(d), now, m_records);
        if (m_request.acks == Acks::never) {
            return;
        }
        for (auto r = first; r < m_records.size(); ++r) {
            const auto reply = receive::ack_reply(m_records[r]);
            if (reply && m_receiver.take_ack_token(sender, now) &&
                socket.send_to(sender, *reply, m_batch.destination(d))) {
                ++m_counts.acknowledged;
            }
        }
    }
    void deliver(Wall received) {
        if (m_records.empty()) {
            return;
        }
        m_handoff.push(m_records, received);
    }

    const ListenRequest& m_request;
    Handoff& m_handoff;
    receive::Receiver m_receiver;
    DatagramBatch m_batch;
    std::vector<receive::Record> m_records;
    ListenCounts m_counts;
};

/// One worker on its own thread and EventLoop (no signals: the output thread's loop
/// blocked them for the process before this thread began, so they reach its signalfd).
class WorkerThread {
public:
    WorkerThread(const ListenRequest& request, std::vector<UdpSocket> sockets)
        : m_request(request), m_sockets(std::move(sockets)), m_worker(request, m_handoff) {}
    ~WorkerThread() { stop(); }
    WorkerThread(const WorkerThread&) = delete;
    WorkerThread& operator=(const WorkerThread&) = delete;

    void start() {
        m_thread = std::thread([this] { run(); });
    }
    /// Tells it to stop, and waits until it has handed over everything it held.
    void stop() {
        if (m_thread.joinable()) {
            m_stop.notify();
            m_handoff.close();
            m_thread.join();
        }
    }
    Handoff& handoff() { return m_handoff; }
    const std::vector<UdpSocket>& sockets() const { return m_sockets; }
    /// After stop(): the final counts.
    ListenSummary summary() const {
        auto summary = m_worker.summary();
        summary.streams = m_worker.streams();
        return summary;
    }

private:
    void run() {
        std::exception_ptr error;
        try {
            EventLoop loop;
            for (const auto& socket : m_sockets) {
                loop.add(socket.fd());
            }
            loop.add(m_stop.fd());
            auto next_expiry = EventLoop::Clock::now() + m_request.expire_every;
            for (;;) {
                const auto wake = loop.wait(next_expiry);
                if (wake.is_readable(m_stop.fd())) {
                    // What came before the stop is taken still (a burst, then SIGTERM).
                    for (auto& socket : m_sockets) {
                        m_worker.receive(socket);
                    }
                    m_worker.count_drops(m_sockets);
                    break;
                }
                for (auto& socket : m_sockets) {
                    if (wake.is_readable(socket.fd())) {
                        m_worker.receive(socket);
                    }
                }
                if (EventLoop::Clock::now() >= next_expiry) {
                    // One getsockopt per socket a quarter second: SIGUSR1 sees them too.
                    m_worker.count_drops(m_sockets);
                    m_worker.expire();
                    next_expiry = EventLoop::Clock::now() + m_request.expire_every;
                }
            }
            m_worker.finish();
        } catch (...) {
            error = std::current_exception();
        }
        m_handoff.finished(error);
    }

    const ListenRequest& m_request;
    std::vector<UdpSocket> m_sockets;
    Handoff m_handoff;
    Worker m_worker;
    Wakeup m_stop;
    std::thread m_thread;
};

/// The sockets of each worker: those systemd passes, spread over at most as many
/// workers as there are sockets; or, on every port, one SO_REUSEPORT socket per worker.
std::vector<std::vector<UdpSocket>> open_sockets(const ListenRequest& request, unsigned workers) {
    std::vector<std::vector<UdpSocket>> sets;
    if (socket_activated()) {
        if (!request.ports.empty()) {
            throw FieldError(Field::listen_port, "does not apply to sockets systemd passes",
                             "set ListenDatagram= in netconsole-setup-listen.socket instead");
        }
        if (request.address) {
            throw FieldError(Field::listen_address, "does not apply to sockets systemd passes",
                             "set ListenDatagram= in netconsole-setup-listen.socket instead");
        }
        auto sockets = activated_sockets();
        sets.resize(std::min<std::size_t>(workers, std::max<std::size_t>(sockets.size(), 1)));
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            sets[i % sets.size()].push_back(std::move(sockets[i]));
        }
        return sets;
    }
    auto ports = request.ports;
    if (ports.empty()) {
        ports.push_back(k_default_remote_port);
    }
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    const auto reuse = workers > 1 ? ReusePort::yes : ReusePort::no;
    sets.resize(workers);
    for (auto port : ports) {
        if (reuse == ReusePort::yes) {
            // Another process's SO_REUSEPORT socket on this port (a second listen by the
            // same user) would take a share of every port's datagrams unseen. A bind
            // without it fails there (EADDRINUSE), as a one-worker listen's does; the
            // workers' group is made on the port it got (port 0: the kernel's pick).
            port = UdpSocket::bind(request.address, port, 0, ReusePort::no).local_port();
        }
        // Port 0 (the kernel picks one): the others join the port the first got.
        auto first = UdpSocket::bind(request.address, port, request.receive_buffer, reuse);
        const auto bound = first.local_port();
        sets[0].push_back(std::move(first));
        for (unsigned w = 1; w < workers; ++w) {
            sets[w].push_back(
                UdpSocket::bind(request.address, bound, request.receive_buffer, reuse));
        }
    }
    return sets;
}

/// The forwarders' options, checked: URLs, credentials, the spool directory.
std::vector<ForwarderOptions> forward_options(const ListenRequest& request) {
    std::vector<ForwarderOptions> all;
    const auto& settings = request.forward_settings;
    if (settings.spool) {
        std::error_code ec;
        if (!std::filesystem::is_directory(*settings.spool, ec)) {
            throw FieldError(Field::forward_spool,
                             fmt::format("'{}' is not a directory", settings.spool->string()),
                             "create it first; each forward target gets one spool file in it");
        }
    }
    for (const auto& [field, path] : {std::pair{Field::forward_ca, settings.tls.ca_file},
                                      {Field::forward_cert, settings.tls.cert_file},
                                      {Field::forward_key, settings.tls.key_file}}) {
        std::error_code ec;
        if (!path.empty() && !std::filesystem::is_regular_file(path, ec)) {
            throw FieldError(field, fmt::format("'{}' is not a file", path.string()),
                             "give a PEM file");
        }
    }
    if (settings.tls.cert_file.empty() != settings.tls.key_file.empty()) {
        throw FieldError(settings.tls.cert_file.empty() ? Field::forward_key : Field::forward_cert,
                         "is given without the other half: a client certificate and its key go "
                         "together");
    }
    for (const auto& text : request.forward) {
        ForwarderOptions options;
        options.url = forward::parse_forward_url(text);
        options.address = resolve_forward_target(options.url);
        options.max_queue_bytes = settings.max_queue_bytes;
        options.max_queue_messages = settings.max_queue_messages;
        if (settings.spool) {
            options.spool_directory = *settings.spool;
        }
        options.tls = settings.tls;
        all.push_back(std::move(options));
    }
    return all;
}

/// The outputs the request asks for, checked (the one place listen's request is).
std::vector<std::unique_ptr<RecordOutput>> open_outputs(const ListenRequest& request,
                                                        ListenSink& sink,
                                                        std::vector<ForwardOutput*>& forwards) {
    auto forwarding = forward_options(request);
    std::vector<std::unique_ptr<RecordOutput>> outputs;
    if (request.output) {
        std::error_code ec;
        if (!std::filesystem::is_directory(*request.output, ec)) {
            throw FieldError(Field::output,
                             fmt::format("'{}' is not a directory", request.output->string()),
                             "create it first; each sender gets one file in it");
        }
        outputs.push_back(std::make_unique<FilesOutput>(*request.output, sink));
    } else if (request.journal == JournalOutput::no) {
        outputs.push_back(std::make_unique<StdoutOutput>(sink));
    }
    if (request.journal == JournalOutput::yes) {
        outputs.push_back(std::make_unique<JournalRecords>(Journal::open(), sink));
    }
    for (auto& options : forwarding) {
        std::unique_ptr<ForwardOutput> output;
        try {
            output = std::make_unique<ForwardOutput>(std::move(options), sink);
        } catch (const FieldError&) {
            throw;
        } catch (const InputError& e) {
            // The one input a Forwarder checks itself: its spool file.
            throw FieldError(Field::forward_spool, e.text(), e.hint());
        }
        forwards.push_back(output.get());
        outputs.push_back(std::move(output));
    }
    return outputs;
}

/// Adds from's counts to into's (the workers' streams are disjoint: a sender meets
/// one worker).
void add(ListenSummary& into, const ListenSummary& from) {
    auto& a = into.stats;
    const auto& b = from.stats;
    for (auto [x, y] : {std::pair{&a.datagrams, b.datagrams}, {&a.records, b.records},
                        {&a.senders, b.senders}, {&a.lost, b.lost}, {&a.unsent, b.unsent},
                        {&a.merged, b.merged}, {&a.incomplete, b.incomplete}, {&a.cut, b.cut},
                        {&a.duplicates, b.duplicates}, {&a.late, b.late}, {&a.filled, b.filled},
                        {&a.restarts, b.restarts}, {&a.malformed, b.malformed},
                        {&a.dropped, b.dropped},
                        {&a.duplicate_fragments, b.duplicate_fragments},
                        {&a.evicted_senders, b.evicted_senders}}) {
        *x += y;
    }
    into.counts.refused += from.counts.refused;
    into.counts.truncated += from.counts.truncated;
    into.counts.acknowledged += from.counts.acknowledged;
    into.counts.socket_drops += from.counts.socket_drops;
    into.streams.insert(into.streams.end(), from.streams.begin(), from.streams.end());
}

/// The output thread: takes the workers' batches to the outputs, drives the
/// forwarders, takes the signals.
class Outputs {
public:
    Outputs(std::vector<std::unique_ptr<RecordOutput>>& outputs,
            std::vector<ForwardOutput*>& forwards, EventLoop& loop)
        : m_outputs(outputs), m_forwards(forwards), m_loop(loop),
          m_registered(forwards.size(), {-1, EventLoop::Interest::read}) {}

    /// Hands what worker has waiting to every output.
    void drain(Handoff& handoff) {
        for (const auto& batch : handoff.take()) {
            for (const auto& output : m_outputs) {
                output->take(batch.records, batch.received);
            }
        }
    }
    bool can_take() const {
        return std::all_of(m_outputs.begin(), m_outputs.end(),
                           [](const auto& output) { return output->can_take(); });
    }
    /// Waits on each forwarder's socket as it wants now. Its socket changes on a
    /// reconnect, often under the same number (closed, then the lowest free one): a
    /// failure since the last look means a new socket even when the number is the
    /// same (epoll forgot the closed one by itself).
    void watch_forwarders() {
        m_failures.resize(m_forwards.size());
        for (std::size_t i = 0; i < m_forwards.size(); ++i) {
            auto& [fd, interest] = m_registered[i];
            const int now_fd = m_forwards[i]->fd();
            const auto now_interest = m_forwards[i]->interest();
            const auto failures = m_forwards[i]->failures();
            if (fd != now_fd || failures != m_failures[i]) {
                if (fd >= 0) {
                    m_loop.remove(fd);
                }
                if (now_fd >= 0) {
                    m_loop.add(now_fd, now_interest);
                }
            } else if (fd >= 0 && interest != now_interest) {
                m_loop.modify(fd, now_interest);
            }
            fd = now_fd;
            interest = now_interest;
            m_failures[i] = failures;
        }
    }
    /// The earliest of the forwarders' deadlines and limit. A deadline not yet passed
    /// is kept: a forwarder's "check again in 100 ms" moves with the clock, so taken
    /// afresh at every wake (a batch, another socket) it would never come.
    std::optional<EventLoop::Clock::time_point>
    deadline(std::optional<EventLoop::Clock::time_point> limit) {
        m_due.resize(m_forwards.size());
        for (std::size_t i = 0; i < m_forwards.size(); ++i) {
            const auto fresh = m_forwards[i]->deadline();
            if (!fresh || !m_due[i] || *m_due[i] <= Forwarder::Clock::now() || *fresh < *m_due[i]) {
                m_due[i] = fresh;
            }
            if (m_due[i] && (!limit || *m_due[i] < *limit)) {
                limit = m_due[i];
            }
        }
        return limit;
    }
    /// Lets each forwarder whose socket woke, or whose deadline passed, do its work.
    void poll_forwarders(const EventLoop::Wake& wake) {
        const auto now = Forwarder::Clock::now();
        for (std::size_t i = 0; i < m_forwards.size(); ++i) {
            const int fd = m_forwards[i]->fd();
            const auto due = i < m_due.size() ? m_due[i] : std::nullopt;
            if ((fd >= 0 && (wake.is_readable(fd) || wake.is_writable(fd))) ||
                (due && *due <= now)) {
                m_forwards[i]->poll(now);
            }
        }
    }
    /// Gives the forwarders until limit to send what they hold.
    void drain_forwarders(EventLoop::Clock::time_point limit) {
        for (;;) {
            watch_forwarders();
            const bool pending = std::any_of(m_forwards.begin(), m_forwards.end(),
                                             [](const auto* f) { return f->pending(); });
            if (!pending || EventLoop::Clock::now() >= limit) {
                return;
            }
            // A 50 ms tick at most: what TCP acknowledged is checked on the deadline.
            const auto wake = m_loop.wait(
                deadline(std::min(limit, EventLoop::Clock::now() + std::chrono::milliseconds(50))));
            poll_forwarders(wake);
        }
    }
    void reopen() {
        for (const auto& output : m_outputs) {
            output->reopen();
        }
    }
    /// The outputs' counts added to summary.
    void count(ListenSummary& summary) const {
        for (const auto& output : m_outputs) {
            output->count(summary);
        }
    }
    /// Stops waiting on the forwarders' sockets (before they close).
    void forget_forwarders() {
        for (auto& [fd, interest] : m_registered) {
            if (fd >= 0) {
                m_loop.remove(fd);
            }
            fd = -1;
        }
    }

private:
    std::vector<std::unique_ptr<RecordOutput>>& m_outputs;
    std::vector<ForwardOutput*>& m_forwards;
    EventLoop& m_loop;
    std::vector<std::pair<int, EventLoop::Interest>> m_registered;
    std::vector<std::optional<Forwarder::Clock::time_point>> m_due; ///< as of the last wait
    std::vector<std::uint64_t> m_failures; ///< each forwarder's, when its socket was registered
};

} // namespace

unsigned default_workers() {
    return std::clamp(std::thread::hardware_concurrency(), 1U, 4U);
}

ListenSummary listen(const ListenRequest& given, ListenSink& sink) {
    auto request = given;
    for (auto& cidr : request.allow) {
        if (!cidr.network.zone().empty()) {
            cidr.scope = scope_id(cidr.network); // as the address takes a zone
        }
    }
    if (request.workers > 64) {
        throw FieldError(Field::workers, fmt::format("{} is more than 64", request.workers),
                         "one per core suits most; see the man page");
    }
    const unsigned asked = request.workers == 0 ? default_workers() : request.workers;
    std::vector<ForwardOutput*> forwards;
    auto outputs = open_outputs(request, sink, forwards);
    auto socket_sets = open_sockets(request, asked);
    // Before the workers' threads: they inherit the signal mask it sets.
    EventLoop loop({SIGINT, SIGTERM, SIGHUP, SIGUSR1});
    std::vector<std::uint16_t> ports;
    for (const auto& set : socket_sets) {
        for (const auto& socket : set) {
            if (std::find(ports.begin(), ports.end(), socket.local_port()) == ports.end()) {
                ports.push_back(socket.local_port());
            }
        }
    }
    std::vector<std::unique_ptr<WorkerThread>> workers;
    for (auto& set : socket_sets) {
        workers.push_back(std::make_unique<WorkerThread>(request, std::move(set)));
        loop.add(workers.back()->handoff().fd());
    }
    if (workers.size() < asked && request.workers != 0) {
        sink.event({ListenEvent::Kind::fewer_workers, {}, {}, 0, workers.size(), {}, {}});
    }
    Outputs out(outputs, forwards, loop);
    sink.ready(ports);
    for (auto& worker : workers) {
        worker->start();
    }
    auto summed = [&](bool final) {
        ListenSummary summary;
        summary.workers = static_cast<unsigned>(workers.size());
        for (const auto& worker : workers) {
            add(summary, final ? worker->summary() : worker->handoff().snapshot());
        }
        out.count(summary);
        return summary;
    };
    std::exception_ptr error;
    for (bool running = true; running && out.can_take() && !error;) {
        out.watch_forwarders();
        const auto wake = loop.wait(out.deadline(std::nullopt));
        for (auto& worker : workers) {
            if (wake.is_readable(worker->handoff().fd())) {
                out.drain(worker->handoff());
                if (worker->handoff().finished()) {
                    error = worker->handoff().error();
                }
            }
        }
        out.poll_forwarders(wake);
        for (const int signal : wake.signals) {
            if (signal == SIGINT || signal == SIGTERM) {
                running = false;
            } else if (signal == SIGUSR1) {
                sink.summary(summed(false));
            } else if (signal == SIGHUP) {
                out.reopen();
            }
        }
    }
    for (auto& worker : workers) {
        worker->stop();
        if (!error) {
            error = worker->handoff().error();
        }
        if (out.can_take()) {
            out.drain(worker->handoff());
        }
    }
    if (error) {
        out.forget_forwarders();
        std::rethrow_exception(error);
    }
    out.drain_forwarders(EventLoop::Clock::now() + request.forward_settings.drain);
    out.forget_forwarders();
    return summed(true);
}

} // namespace ncs::ops
