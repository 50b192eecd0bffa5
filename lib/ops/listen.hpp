#pragma once
// `listen`, the doctor's side, as one use case: a typed request in, the counts out.
// Receives netconsole on UDP (dual stack, several ports, or the sockets a systemd
// .socket unit passes) on the library's EventLoop, reassembles and tracks records
// per stream (lib/receive: the sender and the doctor's address and port), answers
// `test` markers, and hands every record to its outputs: the caller's stdout (through
// the ListenSink, which renders), one file per stream (lib/system's SenderFiles), the
// journal, forward targets (lib/forward, lib/system's Forwarder). Never prints: what
// there is to say goes to the sink as typed events.
//
// Many cores (issue 23): N workers, each a thread with its own EventLoop, its own
// SO_REUSEPORT socket on every port and its own Receiver (the kernel hashes a
// sender's 4-tuple to one socket of the group, so a sender always meets the same
// worker and its order and losses stay whole). A worker hands each batch of records
// to the output thread (the caller's) through its own queue, one lock per batch,
// none per datagram; the output thread alone runs the outputs (stdout, files,
// journal, forwarders), so none of them needs a lock. The forwarders' sockets and
// deadlines are on the output thread's loop: a slow forward target queues, it never
// stops receiving.

#include "model/ip_address.hpp"
#include "model/target.hpp"
#include "receive/allow.hpp"
#include "receive/receiver.hpp"
#include "receive/record.hpp"
#include "system/forwarder.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::ops {

/// Whether listen answers the markers of `test` (receive/ack).
enum class Acks { answer, never };

/// Where records go besides stdout.
enum class JournalOutput { no, yes };

/// The receiving threads that suit this machine: one per core, at most 4 (a worker
/// takes a core's worth of a flood; beyond 4 the one output thread is the limit).
unsigned default_workers();

/// What every forward target of a request shares.
struct ForwardSettings {
    TlsOptions tls; ///< the CA, a client certificate and key, verification (tls://)
    std::size_t max_queue_messages = 100'000;            ///< per target, in memory
    std::size_t max_queue_bytes = std::size_t{16} << 20; ///< per target, in memory
    /// Beyond the memory queue, a file per target in this directory; empty: none.
    std::optional<std::filesystem::path> spool;
    /// At exit, how long queued messages may still take to go out.
    std::chrono::milliseconds drain{3000};
};

struct ListenRequest {
    std::vector<std::uint16_t> ports;    ///< empty: k_default_remote_port, where netconsole sends
    std::optional<IpAddress> address;    ///< empty: every address, both families
    std::vector<receive::Cidr> allow;    ///< empty: everyone
    /// One file per stream (ADDRESS@PORT.log) in this directory instead of stdout.
    std::optional<std::filesystem::path> output;
    JournalOutput journal = JournalOutput::no; ///< every record to the journal (not stdout)
    Acks acks = Acks::answer;
    receive::ReceiverLimits limits;      ///< the receiver's caps and timeouts
    /// Socket buffer asked for: a second of 100,000 records/s of kernel datagrams.
    std::size_t receive_buffer = std::size_t{64} << 20;
    /// How often what timed out is delivered (fragments, lines without a newline).
    std::chrono::milliseconds expire_every{250};
    /// Receiving threads, 1-64; 0: default_workers(). With sockets systemd passes,
    /// at most one per socket (each socket is one worker's).
    unsigned workers = 0;
    /// Forward targets as written: udp://, tcp://, tls://HOST[:PORT] (lib/forward).
    std::vector<std::string> forward;
    ForwardSettings forward_settings;
};

/// Counts `listen` adds to the receiver's own.
struct ListenCounts {
    std::uint64_t refused = 0;           ///< datagrams from outside allow
    std::uint64_t truncated = 0;         ///< datagrams longer than the buffer
    std::uint64_t acknowledged = 0;      ///< acknowledgments sent
    std::uint64_t unwritten_files = 0;   ///< records the per-sender files could not take
    std::uint64_t unwritten_journal = 0; ///< records journald did not take
    /// Datagrams (not records: a record may be several) the kernel dropped on the
    /// sockets, their receive buffer full (SO_RXQ_OVFL, SO_MEMINFO).
    std::uint64_t socket_drops = 0;
};

/// One forward target's counts.
struct ForwardSummary {
    std::string url; ///< canonical (forward::ForwardUrl::to_string)
    ForwarderStats stats;
};

struct ListenSummary {
    receive::ReceiverStats stats; ///< summed over the workers
    ListenCounts counts;
    /// Records the per-sender files could not take, per sender (those that had some).
    std::map<std::string, std::uint64_t> unwritten_by_sender;
    /// Per stream (sender and doctor port): records, lost, unsent. At SIGUSR1 every
    /// count is as of the workers' last expiry (a quarter second ago at most).
    std::vector<receive::StreamStats> streams;
    std::vector<ForwardSummary> forwards; ///< in the request's order
    unsigned workers = 1;                 ///< receiving threads that ran
};

/// A destination stopped or started taking records: said once per episode.
struct ListenEvent {
    enum class Kind {
        file_failed,     ///< a sender's file cannot be written (error)
        file_resumed,    ///< it can again; unwritten records of sender were lost meanwhile
        journal_failed,  ///< the journal does not take records (error)
        journal_resumed, ///< it does again; unwritten were lost meanwhile
        forward_failed,  ///< a forward target cannot be reached (detail); records queue
        forward_resumed, ///< connected again; queued records go out in order
        forward_dropping, ///< the target's queue (and spool) are full: records are dropped
        fewer_workers,   ///< sockets systemd passes: fewer workers than asked (count: how many run)
    };
    Kind kind = Kind::file_failed;
    std::string sender;          ///< the sender's name (file events)
    std::filesystem::path path;  ///< the sender's file, or the journal's socket
    int error = 0;               ///< errno (the failed kinds)
    /// What the kind counts: records not delivered during the episode (the resumed
    /// kinds), records queued (forward_failed, forward_resumed), records dropped so
    /// far (forward_dropping), workers that run (fewer_workers).
    std::uint64_t count = 0;
    std::string target;          ///< the forward target (forward kinds)
    std::string detail;          ///< why it failed (forward_failed)
};

/// What listen hands its caller, on the loop's thread: keep it quick (receiving waits).
class ListenSink {
public:
    virtual ~ListenSink() = default;
    /// The sockets are bound (their ports, in order) and receiving begins.
    virtual void ready(std::span<const std::uint16_t> ports) { (void)ports; }
    /// Appends record as whole lines ending in '\n' (text, JSON), for stdout or a file.
    virtual void render(const receive::Record& record,
                        std::chrono::system_clock::time_point received, std::string& out) = 0;
    /// The journal entry of record ("FIELD=value" strings).
    virtual std::vector<std::string> journal_entry(const receive::Record& record) = 0;
    /// Rendered records for stdout; false when stdout cannot take them (a closed pipe:
    /// listen stops, its caller reports it).
    virtual bool write(std::string_view lines) = 0;
    /// A destination stopped or started taking records.
    virtual void event(const ListenEvent& event) = 0;
    /// The counts so far (SIGUSR1).
    virtual void summary(const ListenSummary& summary) = 0;
};

/// Where records go, besides the sink's stdout: per-sender files, the journal, later a
/// forwarder. take() runs on the receiving loop and must never block it.
class RecordOutput {
public:
    virtual ~RecordOutput() = default;
    /// One batch of records received at received.
    virtual void take(std::span<const receive::Record> records,
                      std::chrono::system_clock::time_point received) = 0;
    /// SIGHUP: let go of what logrotate may have moved.
    virtual void reopen() {}
    /// Adds what it could not deliver to summary.
    virtual void count(ListenSummary& summary) const = 0;
    /// False once it can take nothing more and listening should stop (a closed stdout).
    virtual bool can_take() const { return true; }
};

/// Checks request and binds its sockets, then receives until SIGINT or SIGTERM (SIGUSR1:
/// sink.summary(); SIGHUP: the per-sender files are reopened), or until stdout is
/// closed; delivers what is still held (forward targets get up to drain to take their
/// queues) and returns the counts summed over the workers. Throws FieldError (output
/// not a directory; ports or address given with sockets systemd passes; workers out of
/// range; a forward URL, its credentials, its spool), InputError (an allowed network's
/// unknown zone), std::system_error or OperationError (a socket cannot be bound, the
/// journal's socket cannot be made, GnuTLS cannot be opened).
ListenSummary listen(const ListenRequest& request, ListenSink& sink);

} // namespace ncs::ops
