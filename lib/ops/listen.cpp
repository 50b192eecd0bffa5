#include "ops/listen.hpp"

#include "model/errors.hpp"
#include "receive/ack.hpp"
#include "system/event_loop.hpp"
#include "system/sender_files.hpp"
#include "system/systemd.hpp"
#include "system/udp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
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

/// One file per sender (SenderFiles), named by its address with the interface's name
/// (not its number) for a link-local sender, as one writes the zone.
class FilesOutput : public RecordOutput {
public:
    FilesOutput(const std::filesystem::path& directory, ListenSink& sink)
        : m_sink(sink), m_files(directory, [&sink](const SenderFileEvent& e) {
              sink.event({e.kind == SenderFileEvent::Kind::failed ? ListenEvent::Kind::file_failed
                                                                  : ListenEvent::Kind::file_resumed,
                          e.name, e.path, e.error, e.unwritten});
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
    std::string file_name(const receive::SenderKey& sender) {
        if (sender.v4 || sender.scope == 0) {
            return sender.address_text();
        }
        auto found = m_interfaces.find(sender.scope);
        if (found == m_interfaces.end()) {
            found = m_interfaces.emplace(sender.scope, interface_name(sender.scope)).first;
        }
        return sender.ip().to_string() + "%" + found->second;
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
                m_sink.event({ListenEvent::Kind::journal_failed, {}, Journal::path(), m_error, 0});
            }
            return;
        }
        if (m_error != 0) {
            m_sink.event(
                {ListenEvent::Kind::journal_resumed, {}, Journal::path(), 0, m_unwritten_here});
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

/// The receiving state of one set of sockets: datagrams in, records out to the outputs.
class Worker {
public:
    Worker(const ListenRequest& request, std::vector<std::unique_ptr<RecordOutput>>& outputs)
        : m_request(request), m_outputs(outputs), m_receiver(request.limits),
          m_batch(k_batch, k_max_datagram) {}

    /// Drains socket a while (k_rounds batches at most).
    void receive(const UdpSocket& socket) {
        for (int round = 0; round < k_rounds; ++round) {
            const auto now = receive::Receiver::Clock::now();
            const auto received = m_batch.receive(socket);
            for (std::size_t d = 0; d < received; ++d) {
                take(socket, d, now);
            }
            deliver(std::chrono::system_clock::now());
            if (received < k_batch || !can_take()) {
                return;
            }
        }
    }
    /// Delivers what timed out.
    void expire() {
        m_receiver.expire(receive::Receiver::Clock::now(), m_records);
        deliver(std::chrono::system_clock::now());
    }
    /// Delivers everything still held, as at exit.
    void finish() {
        m_receiver.flush(m_records);
        deliver(std::chrono::system_clock::now());
    }
    /// Whether every output can still take records.
    bool can_take() const {
        return std::all_of(m_outputs.begin(), m_outputs.end(),
                           [](const auto& output) { return output->can_take(); });
    }
    /// The counts so far, with what each output could not deliver.
    ListenSummary summary() const {
        ListenSummary summary;
        summary.stats = m_receiver.stats();
        summary.counts = m_counts;
        for (const auto& output : m_outputs) {
            output->count(summary);
        }
        return summary;
    }

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
        for (const auto& output : m_outputs) {
            output->take(m_records, received);
        }
        m_records.clear();
    }

    const ListenRequest& m_request;
    std::vector<std::unique_ptr<RecordOutput>>& m_outputs;
    receive::Receiver m_receiver;
    DatagramBatch m_batch;
    std::vector<receive::Record> m_records;
    ListenCounts m_counts;
};

/// The request's sockets: those systemd passes, or one per port (dual stack).
std::vector<UdpSocket> open_sockets(const ListenRequest& request) {
    if (socket_activated()) {
        if (!request.ports.empty()) {
            throw FieldError(Field::listen_port, "does not apply to sockets systemd passes",
                             "set ListenDatagram= in netconsole-setup-listen.socket instead");
        }
        if (request.address) {
            throw FieldError(Field::listen_address, "does not apply to sockets systemd passes",
                             "set ListenDatagram= in netconsole-setup-listen.socket instead");
        }
        return activated_sockets();
    }
    auto ports = request.ports;
    if (ports.empty()) {
        ports.push_back(k_default_remote_port);
    }
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    std::vector<UdpSocket> sockets;
    for (const auto port : ports) {
        sockets.push_back(UdpSocket::bind(request.address, port, request.receive_buffer));
    }
    return sockets;
}

/// The outputs the request asks for, checked (the one place listen's request is).
std::vector<std::unique_ptr<RecordOutput>> open_outputs(const ListenRequest& request,
                                                        ListenSink& sink) {
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
    return outputs;
}

} // namespace

ListenSummary listen(const ListenRequest& given, ListenSink& sink) {
    auto request = given;
    for (auto& cidr : request.allow) {
        if (!cidr.network.zone().empty()) {
            cidr.scope = scope_id(cidr.network); // as the address takes a zone
        }
    }
    auto outputs = open_outputs(request, sink);
    const auto sockets = open_sockets(request);
    EventLoop loop({SIGINT, SIGTERM, SIGHUP, SIGUSR1});
    for (const auto& socket : sockets) {
        loop.add(socket.fd());
    }
    Worker worker(request, outputs);
    std::vector<std::uint16_t> ports;
    for (const auto& socket : sockets) {
        ports.push_back(socket.local_port());
    }
    sink.ready(ports);
    auto next_expiry = EventLoop::Clock::now() + request.expire_every;
    for (bool running = true; running && worker.can_take();) {
        const auto wake = loop.wait(next_expiry);
        for (const auto& socket : sockets) {
            if (wake.is_readable(socket.fd()) && worker.can_take()) {
                worker.receive(socket);
            }
        }
        if (EventLoop::Clock::now() >= next_expiry) {
            worker.expire();
            next_expiry = EventLoop::Clock::now() + request.expire_every;
        }
        for (const int signal : wake.signals) {
            if (signal == SIGINT || signal == SIGTERM) {
                running = false;
            } else if (signal == SIGUSR1) {
                sink.summary(worker.summary());
            } else if (signal == SIGHUP) {
                for (const auto& output : outputs) {
                    output->reopen();
                }
            }
        }
    }
    worker.finish();
    return worker.summary();
}

} // namespace ncs::ops
