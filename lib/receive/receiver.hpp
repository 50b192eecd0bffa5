#pragma once
// From datagrams to records, per sender: extended fragments reassembled by
// sequence number and offsets (out of order, duplicated, timed out when a piece
// never comes), plain text joined into lines, sequence numbers tracked. Every
// table is bounded (senders, pending bytes, records in reassembly, line length)
// and idle senders are evicted, so a flood of spoofed senders or bogus
// fragment headers cannot grow memory without bound. Partial records hold only
// the bytes that came (not their announced total), their cost is checked before
// anything is allocated, and eviction takes the least recently fed partial record
// from a list in O(1), so a full table costs no more per fragment than an empty
// one. Pure: time is passed in.
//
// Against netconsd's ncrx (issue 23; the man page's draft says the same): records are
// delivered at once, never held for reordering (ncrx: 8192 slots, a gap lost after
// 30 s); a gap is lost at once and taken back when its record comes late within
// SequenceTracker::k_window; restarts are decided per record (ncrx: 19 of the last
// 32 out of order); with msgid (6.17+) loss is msgid gaps and printk's other skips
// are `unsent`; LOG_CONT '+' pieces (4.4-4.8 only) are merged into their 'c' record
// within continuation_timeout (ncrx: 10 s).

#include "receive/record.hpp"
#include "receive/sender.hpp"
#include "receive/sequence.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ncs::receive {

struct ReceiverLimits {
    /// Streams tracked at once: a fleet of 10,000 patients fits (at 4,096 each round
    /// of a 10,000-patient fleet evicted every stream, forgetting its numbers:
    /// bench/fleet.sh). About 5 KiB each when full.
    std::size_t max_senders = 16384;
    std::size_t max_pending_bytes = std::size_t{64} << 20; ///< all partial records' cost
    std::size_t max_pending_records = 64;                  ///< per sender
    std::size_t max_record_body = k_max_record_body;
    /// What a partial record costs beyond its bytes (its header, its bookkeeping).
    static constexpr std::size_t k_pending_overhead = 512;
    std::size_t max_line_bytes = 16384; ///< plain text without a newline yet
    std::chrono::milliseconds fragment_timeout{2000};
    std::chrono::milliseconds line_timeout{1000};
    std::chrono::milliseconds idle_timeout{600'000};
    /// How long a 'c' record of a sender that sends '+' pieces (4.4-4.8) waits for
    /// them (ncrx: 10 s).
    std::chrono::milliseconds continuation_timeout{10'000};
};

struct ReceiverStats {
    std::uint64_t datagrams = 0;
    std::uint64_t records = 0;        ///< delivered
    std::uint64_t senders = 0;        ///< senders that delivered at least one record
    std::uint64_t lost = 0;           ///< from sequence gaps: sum of lost_before - filled
    /// With msgid: printk records never handed to netconsole (sum of unsent_before).
    std::uint64_t unsent = 0;
    std::uint64_t merged = 0;         ///< '+' continuation records merged into the one before
    std::uint64_t incomplete = 0;     ///< delivered with fragments missing
    std::uint64_t cut = 0;            ///< plain lines delivered in pieces at max_line_bytes
    std::uint64_t duplicates = 0;     ///< records dropped as seen already
    std::uint64_t late = 0;           ///< records that arrived after a newer one
    std::uint64_t filled = 0;         ///< late records that filled a gap counted in lost_before
    std::uint64_t restarts = 0;       ///< senders that started numbering again
    std::uint64_t malformed = 0;      ///< fragments with impossible offsets or lengths
    std::uint64_t dropped = 0;        ///< partial records dropped by a cap
    std::uint64_t duplicate_fragments = 0; ///< fragments that brought no new byte
    std::uint64_t evicted_senders = 0;
};

/// One stream's counts (a sender evicted as idle is no longer listed; its counts
/// stay in ReceiverStats).
struct StreamStats {
    SenderKey stream;
    std::uint64_t records = 0;
    std::uint64_t lost = 0;   ///< with msgid: sent by netconsole (or dropped by it), never received
    std::uint64_t unsent = 0; ///< with msgid: printk records netconsole never sent
    std::uint64_t late = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t restarts = 0;
    bool counts_msgid = false; ///< lost is counted from msgid (6.17+), not printk's seq
};

class Receiver {
public:
    using Clock = std::chrono::steady_clock;

    explicit Receiver(ReceiverLimits limits = {});

    /// Takes one datagram; appends the records it completes to out.
    void feed(const SenderKey& sender, std::string_view datagram, Clock::time_point now,
              std::vector<Record>& out);
    /// Delivers what timed out (incomplete records, unterminated lines) and
    /// evicts idle senders.
    void expire(Clock::time_point now, std::vector<Record>& out);
    /// Delivers everything still held, as at exit.
    void flush(std::vector<Record>& out);
    /// Whether an acknowledgment may go to sender now: a bucket of 5, one more a second.
    bool take_ack_token(const SenderKey& sender, Clock::time_point now);

    ReceiverStats stats() const;
    /// Per stream counts, for the summary (unordered).
    std::vector<StreamStats> stream_stats() const;
    std::size_t sender_count() const { return m_senders.size(); }
    std::size_t pending_bytes() const { return m_pending_bytes; }
    const ReceiverLimits& limits() const { return m_limits; }

private:
    /// Where a partial record is: its sender and sequence number.
    struct PendingRef {
        SenderKey sender;
        std::uint64_t seq = 0;
    };
    struct Pending {
        std::string identity;
        std::string release;
        std::string caller;
        unsigned prefix = 0;
        std::uint64_t ts_usec = 0;
        bool cont = false;
        bool continues = false;
        std::size_t total = 0; ///< the body's announced length
        /// The fragments' bodies at their offsets, in arrival order (the first copy of
        /// a byte wins): memory by need, never the announced total up front.
        std::vector<std::pair<std::size_t, std::string>> pieces;
        std::vector<std::pair<std::size_t, std::size_t>> covered; ///< sorted, merged
        std::size_t received = 0;
        std::size_t wire_bytes = 0;
        std::size_t cost = 0; ///< counted in m_pending_bytes
        Clock::time_point created;
        std::list<PendingRef>::iterator lru;           ///< in m_pending_lru
        std::list<std::uint64_t>::iterator sender_lru; ///< in its sender's pending_order
    };
    /// A fragmented record delivered (whole or at its timeout): late copies of its
    /// fragments are dropped.
    struct Completed {
        std::uint64_t seq = 0;
        std::uint64_t ts_usec = ~std::uint64_t{0};
        bool operator==(const Completed&) const = default;
    };
    struct SenderState {
        SequenceTracker sequence;
        bool counts_msgid = false; ///< losses counted from sysdata msgid
        std::uint64_t newest_msgid = 0; ///< unwrapped past 2^32
        std::uint64_t printk_seq = 0;   ///< of the newest record, beside msgid
        bool has_printk_seq = false;
        std::uint64_t unsent = 0;
        std::uint64_t records = 0;
        /// A 'c' record waiting for its '+' pieces (merges_continuations only).
        std::optional<Record> held;
        Clock::time_point held_since;
        bool merges_continuations = false;
        std::array<Completed, 16> completed{};
        std::size_t next_completed = 0;
        std::map<std::uint64_t, Pending> pending;
        std::list<std::uint64_t> pending_order; ///< least recently fed first
        std::string line;
        std::size_t line_wire = 0;
        Clock::time_point line_since;
        Clock::time_point last_seen;
        std::list<SenderKey>::iterator lru;
        bool delivered = false;
        double ack_tokens = 5;
        Clock::time_point ack_time;
    };

    SenderState& state_for(const SenderKey& sender, Clock::time_point now);
    void evict(const SenderKey& sender);
    void feed_extended(const SenderKey& sender, SenderState& state, const ExtendedDatagram& datagram,
                       std::size_t wire_bytes, Clock::time_point now, std::vector<Record>& out);
    void feed_plain(const SenderKey& sender, SenderState& state, std::string_view datagram,
                    Clock::time_point now, std::vector<Record>& out);
    /// Whether a plain line is delivered because it reached max_line_bytes.
    enum class Cut { no, yes };
    void flush_line(const SenderKey& sender, SenderState& state, std::vector<Record>& out,
                    Cut cut = Cut::no);
    void deliver(SenderState& state, Record record, std::vector<Record>& out);
    void merge_or_emit(SenderState& state, Record record, std::vector<Record>& out);
    void release_held(SenderState& state, std::vector<Record>& out);
    void emit(SenderState& state, Record record, std::vector<Record>& out);
    Record complete(const SenderKey& sender, std::uint64_t seq, Pending& pending);
    void remember_delivered(SenderState& state, std::uint64_t seq, std::uint64_t ts_usec);
    /// Removes a partial record (its cost, its place in the LRU); counts it dropped
    /// when it was not complete and why is Drop::counted.
    enum class Drop { counted, delivered };
    void drop_pending(SenderState& state, std::map<std::uint64_t, Pending>::iterator it,
                      Drop why = Drop::counted);
    /// Evicts least recently fed partial records until bytes more fit; false when
    /// they cannot (bytes above the cap).
    bool make_room(std::size_t bytes, std::list<PendingRef>::iterator keep);

    ReceiverLimits m_limits;
    std::unordered_map<SenderKey, SenderState, SenderKeyHash> m_senders;
    std::list<SenderKey> m_lru; ///< most recently active first
    std::list<PendingRef> m_pending_lru; ///< least recently fed partial record first
    std::size_t m_pending_bytes = 0;
    ReceiverStats m_stats;
    Clock::time_point m_now{}; ///< the latest time fed in (flush has none of its own)
    std::uint64_t m_evicted_lost = 0;
    std::uint64_t m_evicted_unsent = 0;
    std::uint64_t m_evicted_duplicates = 0;
    std::uint64_t m_evicted_late = 0;
    std::uint64_t m_evicted_filled = 0;
    std::uint64_t m_evicted_restarts = 0;
};

} // namespace ncs::receive
