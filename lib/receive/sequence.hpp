#pragma once
// Per-sender printk sequence numbers: gaps are lost records, unless the missing
// ones arrive late within a reorder window; a sequence number far behind, a
// number seen before with another timestamp, or a clock that went back by more
// than a second, is the sender restarting (a new boot), not loss or a duplicate.

#include <array>
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

    /// Classifies one record's sequence number (ts_usec tells a new boot).
    SeqResult observe(std::uint64_t seq, std::uint64_t ts_usec);
    /// Records known lost: gaps older than the window, plus those still open.
    std::uint64_t lost() const;
    std::uint64_t restarts() const { return m_restarts; }
    std::uint64_t duplicates() const { return m_duplicates; }
    std::uint64_t late() const { return m_late; }

private:
    void commit_older_than(std::uint64_t limit);
    void commit_all();
    SeqResult restart(std::uint64_t seq, std::uint64_t ts_usec);

    bool m_started = false;
    std::uint64_t m_next = 0; ///< newest seen + 1
    std::uint64_t m_last_ts = 0;
    std::uint64_t m_first = 0; ///< the lowest number seen since the start (or restart)
    std::uint64_t m_first_ts = 0;
    std::deque<std::pair<std::uint64_t, std::uint64_t>> m_gaps; ///< [first, end), ascending
    /// ts_usec of the last k_window sequence numbers, by seq % k_window: the same
    /// number with another timestamp is a new boot, not a duplicate.
    std::array<std::uint64_t, k_window> m_recent_ts{};
    std::uint64_t m_committed = 0;
    std::uint64_t m_restarts = 0;
    std::uint64_t m_duplicates = 0;
    std::uint64_t m_late = 0;
};

} // namespace ncs::receive
