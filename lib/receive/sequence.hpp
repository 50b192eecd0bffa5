#pragma once
// Per-sender printk sequence numbers: gaps are lost records, unless the missing
// ones arrive late within a reorder window; a sequence number far behind, a
// number seen before with another timestamp, or a clock that went back by more
// than a second, is the sender restarting (a new boot), not loss or a duplicate.
// So is a jump forward by more numbers than a kernel could have printed since the
// sender's last record (k_max_jump, plus k_max_rate per second of the receiver's
// clock): a new boot, or a forged number, never ~2^64 "lost" records. No
// arithmetic here wraps: the newest number is kept, not newest + 1.
// Invariant: lost() == the sum of every lost_before returned - filled().

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>

namespace ncs::receive {

enum class SeqVerdict { first, in_order, gap, late, duplicate, restart };

struct SeqResult {
    SeqVerdict verdict = SeqVerdict::first;
    /// Sequence numbers skipped just before this record when it arrived (gap only).
    std::uint64_t lost_before = 0;
};

class SequenceTracker {
public:
    /// How far behind the newest a record may arrive and still be "late".
    static constexpr std::uint64_t k_window = 256;
    /// Open gaps kept; older ones count as lost at once.
    static constexpr std::size_t k_max_gaps = 256;
    /// The largest jump forward taken as loss at any instant: a bigger one is a restart.
    static constexpr std::uint64_t k_max_jump = 1'000'000;
    /// Records a kernel could print per second, at most (printk manages well under
    /// a million): a jump may grow by this much per second since the last record.
    static constexpr std::uint64_t k_max_rate = 1'000'000;

    using Clock = std::chrono::steady_clock;

    /// Classifies one record's sequence number (ts_usec tells a new boot; now,
    /// the receiver's clock, bounds how many records can have been missed).
    /// fingerprint (a hash of the text) tells a duplicate from another record that
    /// carries the same number and timestamp.
    SeqResult observe(std::uint64_t seq, std::uint64_t ts_usec, Clock::time_point now = {},
                      std::uint64_t fingerprint = 0);
    /// The largest plausible gap after `elapsed` without a record from this sender.
    static std::uint64_t max_gap(Clock::duration elapsed);
    /// Records known lost: gaps older than the window, plus those still open.
    std::uint64_t lost() const;
    std::uint64_t restarts() const { return m_restarts; }
    std::uint64_t duplicates() const { return m_duplicates; }
    std::uint64_t late() const { return m_late; }
    /// Late records that filled a gap already reported in a lost_before.
    std::uint64_t filled() const { return m_filled; }

private:
    void commit_older_than(std::uint64_t limit);
    void commit_all();
    SeqResult restart(std::uint64_t seq, std::uint64_t ts_usec);
    void start(std::uint64_t seq, std::uint64_t ts_usec);
    void remember(std::uint64_t seq, std::uint64_t ts_usec);
    std::uint64_t m_fingerprint = 0; ///< of the record being observed

    bool m_started = false;
    std::uint64_t m_newest = 0;
    std::uint64_t m_last_ts = 0;
    Clock::time_point m_last_time{}; ///< the receiver's clock at the last record
    std::uint64_t m_first = 0; ///< the lowest number seen since the start (or restart)
    std::uint64_t m_first_ts = 0;
    std::deque<std::pair<std::uint64_t, std::uint64_t>> m_gaps; ///< [first, end), ascending
    /// ts_usec of the last k_window sequence numbers, by seq % k_window: the same
    /// number with another timestamp is a new boot, not a duplicate.
    std::array<std::uint64_t, k_window> m_recent_ts{};
    std::array<std::uint64_t, k_window> m_recent_fingerprint{}; ///< the same, of the text
    std::uint64_t m_committed = 0;
    std::uint64_t m_restarts = 0;
    std::uint64_t m_duplicates = 0;
    std::uint64_t m_late = 0;
    std::uint64_t m_filled = 0;
};

} // namespace ncs::receive
