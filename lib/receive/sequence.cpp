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

SeqResult SequenceTracker::restart(std::uint64_t seq, std::uint64_t ts_usec) {
    commit_all();
    ++m_restarts;
    m_next = seq + 1;
    m_last_ts = ts_usec;
    m_recent_ts.fill(0);
    m_first = seq;
    m_first_ts = ts_usec;
    m_recent_ts[seq % k_window] = ts_usec;
    return {SeqVerdict::restart, 0};
}

SeqResult SequenceTracker::observe(std::uint64_t seq, std::uint64_t ts_usec) {
    if (!m_started) {
        m_started = true;
        m_first = seq;
        m_first_ts = ts_usec;
        m_next = seq + 1;
        m_last_ts = ts_usec;
        m_recent_ts[seq % k_window] = ts_usec;
        return {SeqVerdict::first, 0};
    }
    if (seq >= m_next) {
        // printk's clock never runs back by a second within one boot.
        if (ts_usec + 1'000'000 < m_last_ts) {
            return restart(seq, ts_usec);
        }
        const auto skipped = seq - m_next;
        if (skipped > 0) {
            m_gaps.emplace_back(m_next, seq);
            if (m_gaps.size() > k_max_gaps) {
                commit_older_than(m_gaps[m_gaps.size() - k_max_gaps].first);
            }
        }
        m_next = seq + 1;
        m_last_ts = std::max(m_last_ts, ts_usec);
        m_recent_ts[seq % k_window] = ts_usec;
        if (m_next > k_window) {
            commit_older_than(m_next - k_window);
        }
        return {skipped > 0 ? SeqVerdict::gap : SeqVerdict::in_order, skipped};
    }
    if (m_next - seq > k_window) {
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
        m_recent_ts[seq % k_window] = ts_usec;
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
        m_recent_ts[seq % k_window] = ts_usec;
        return {SeqVerdict::late, 0};
    }
    if (m_recent_ts[seq % k_window] != ts_usec) {
        // Seen with another timestamp: a new boot counting up through the same numbers.
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
