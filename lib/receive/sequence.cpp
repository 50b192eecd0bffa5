#include "receive/sequence.hpp"

#include <algorithm>
#include <iterator>

namespace ncs::receive {

void SequenceTracker::commit_older_than(std::uint64_t limit) {
    while (!m_gaps.empty() && m_gaps.front().first < limit) {
        auto& gap = m_gaps.front();
        const auto end = std::min(gap.second, limit);
        m_committed += end - gap.first;
        gap.first = end;
        if (gap.first == gap.second) {
            m_gaps.pop_front();
        }
    }
}

void SequenceTracker::commit_all() {
    for (const auto& [first, end] : m_gaps) {
        m_committed += end - first;
    }
    m_gaps.clear();
}

std::uint64_t SequenceTracker::max_gap(Clock::duration elapsed) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    if (seconds <= 0) {
        return k_max_jump;
    }
    // Saturating: k_max_jump + k_max_rate * seconds, never past 2^64 - 1.
    const auto whole = static_cast<std::uint64_t>(seconds);
    constexpr auto k_limit = ~std::uint64_t{0};
    if (whole > (k_limit - k_max_jump) / k_max_rate) {
        return k_limit;
    }
    return k_max_jump + k_max_rate * whole;
}

void SequenceTracker::start(std::uint64_t seq, std::uint64_t ts_usec) {
    m_newest = seq;
    m_last_ts = ts_usec;
    m_recent_ts.fill(0);
    m_recent_fingerprint.fill(0);
    m_first = seq;
    m_first_ts = ts_usec;
    remember(seq, ts_usec);
}

void SequenceTracker::remember(std::uint64_t seq, std::uint64_t ts_usec) {
    m_recent_ts[seq % k_window] = ts_usec;
    m_recent_fingerprint[seq % k_window] = m_fingerprint;
}

SeqResult SequenceTracker::restart(std::uint64_t seq, std::uint64_t ts_usec) {
    commit_all();
    ++m_restarts;
    start(seq, ts_usec);
    return {SeqVerdict::restart, 0};
}

SeqResult SequenceTracker::observe(std::uint64_t seq, std::uint64_t ts_usec,
                                   Clock::time_point now, std::uint64_t fingerprint) {
    m_fingerprint = fingerprint;
    const auto since_last = now - m_last_time;
    m_last_time = std::max(m_last_time, now);
    if (!m_started) {
        m_started = true;
        start(seq, ts_usec);
        return {SeqVerdict::first, 0};
    }
    if (seq > m_newest) {
        // printk's clock never runs back by a second within one boot.
        if (m_last_ts > ts_usec && m_last_ts - ts_usec > 1'000'000) {
            return restart(seq, ts_usec);
        }
        const auto skipped = seq - m_newest - 1;
        if (skipped > max_gap(since_last)) {
            // More than the kernel could have printed since the last record: a
            // new boot or a forged number, not loss.
            return restart(seq, ts_usec);
        }
        if (skipped > 0) {
            m_gaps.emplace_back(m_newest + 1, seq);
            if (m_gaps.size() > k_max_gaps) {
                commit_older_than(m_gaps[m_gaps.size() - k_max_gaps].first);
            }
        }
        m_newest = seq;
        m_last_ts = std::max(m_last_ts, ts_usec);
        remember(seq, ts_usec);
        if (m_newest >= k_window) {
            commit_older_than(m_newest - k_window + 1);
        }
        return {skipped > 0 ? SeqVerdict::gap : SeqVerdict::in_order, skipped};
    }
    if (m_newest - seq >= k_window) {
        // Far behind the newest: the sender rebooted (printk numbers from 0 again).
        return restart(seq, ts_usec);
    }
    // Within the window: a record we were missing, or one seen already.
    auto gap = std::upper_bound(
        m_gaps.begin(), m_gaps.end(), seq,
        [](std::uint64_t value, const auto& range) { return value < range.first; });
    if (gap != m_gaps.begin() && seq < std::prev(gap)->second) {
        --gap;
        ++m_late;
        ++m_filled;
        remember(seq, ts_usec);
        if (seq == gap->first) {
            ++gap->first;
        } else if (seq + 1 == gap->second) {
            --gap->second;
        } else {
            const auto end = gap->second;
            gap->second = seq;
            m_gaps.insert(gap + 1, {seq + 1, end});
            return {SeqVerdict::late, 0};
        }
        if (gap->first == gap->second) {
            m_gaps.erase(gap);
        }
        return {SeqVerdict::late, 0};
    }
    if (seq < m_first && ts_usec <= m_first_ts && m_first_ts - ts_usec < 10'000'000) {
        // Sent before the first record this receiver saw, and overtaken by it.
        m_first = seq;
        ++m_late;
        remember(seq, ts_usec);
        return {SeqVerdict::late, 0};
    }
    if (m_recent_ts[seq % k_window] != ts_usec ||
        m_recent_fingerprint[seq % k_window] != fingerprint) {
        // Seen with another timestamp or text: a new boot counting up through the
        // same numbers (or a forged record), not a copy to drop.
        return restart(seq, ts_usec);
    }
    ++m_duplicates;
    return {SeqVerdict::duplicate, 0};
}

std::uint64_t SequenceTracker::lost() const {
    auto lost = m_committed;
    for (const auto& [first, end] : m_gaps) {
        lost += end - first;
    }
    return lost;
}

} // namespace ncs::receive
