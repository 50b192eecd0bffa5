#include "receive/receiver.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <utility>

namespace ncs::receive {
namespace {

/// Adds [first, end) to a sorted list of merged ranges; returns the bytes it added
/// that were not covered yet (0 for a duplicate).
std::size_t cover(std::vector<std::pair<std::size_t, std::size_t>>& ranges, std::size_t first,
                  std::size_t end) {
    std::size_t already = 0;
    auto it = std::lower_bound(ranges.begin(), ranges.end(), first,
                               [](const auto& range, std::size_t value) {
                                   return range.second < value;
                               });
    auto merged_first = first;
    auto merged_end = end;
    auto erase_from = it;
    while (it != ranges.end() && it->first <= end) {
        already += std::min(it->second, end) - std::max(it->first, first);
        merged_first = std::min(merged_first, it->first);
        merged_end = std::max(merged_end, it->second);
        ++it;
    }
    it = ranges.erase(erase_from, it);
    ranges.insert(it, {merged_first, merged_end});
    return (end - first) - already;
}

} // namespace

Receiver::Receiver(ReceiverLimits limits) : m_limits(limits) {}

Receiver::SenderState& Receiver::state_for(const SenderKey& sender, Clock::time_point now) {
    auto found = m_senders.find(sender);
    if (found != m_senders.end()) {
        auto& state = found->second;
        m_lru.splice(m_lru.begin(), m_lru, state.lru);
        state.last_seen = now;
        return state;
    }
    while (!m_senders.empty() && m_senders.size() >= m_limits.max_senders) {
        evict(m_lru.back());
    }
    m_lru.push_front(sender);
    auto& state = m_senders[sender];
    state.lru = m_lru.begin();
    state.last_seen = now;
    state.ack_time = now;
    return state;
}

void Receiver::evict(const SenderKey& sender) {
    const auto found = m_senders.find(sender);
    if (found == m_senders.end()) {
        return;
    }
    auto& state = found->second;
    while (!state.pending.empty()) {
        drop_pending(state, state.pending.begin());
    }
    if (state.held) {
        ++m_stats.dropped; // a continuation record still waiting, pushed out by the cap
    }
    m_evicted_lost += state.sequence.lost();
    m_evicted_unsent += state.unsent;
    m_evicted_duplicates += state.sequence.duplicates();
    m_evicted_late += state.sequence.late();
    m_evicted_filled += state.sequence.filled();
    m_evicted_restarts += state.sequence.restarts();
    ++m_stats.evicted_senders;
    m_lru.erase(state.lru);
    m_senders.erase(found);
}

void Receiver::feed(const SenderKey& sender, std::string_view datagram, Clock::time_point now,
                    std::vector<Record>& out) {
    ++m_stats.datagrams;
    m_now = std::max(m_now, now);
    if (datagram.empty()) {
        return;
    }
    auto& state = state_for(sender, now);
    if (const auto extended = parse_extended(datagram)) {
        feed_extended(sender, state, *extended, datagram.size(), now, out);
    } else {
        feed_plain(sender, state, datagram, now, out);
    }
}

namespace {

/// Sysdata msgid (6.17+), the number netconsole gives each message it sends to a
/// target (a u32 from 1, wrapping), when the record carries one.
std::optional<std::uint64_t> msgid_of(const Record& record) {
    for (auto it = record.fields.rbegin(); it != record.fields.rend(); ++it) {
        if (it->first == "msgid") {
            std::uint64_t msgid = 0;
            const auto& text = it->second;
            const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), msgid);
            if (ec == std::errc() && ptr == text.data() + text.size()) {
                return msgid;
            }
            break;
        }
    }
    return std::nullopt;
}

/// A u32 msgid as a number that keeps counting past 2^32: the candidate nearest
/// the newest seen, so a wrap is one step forward, not a restart.
std::uint64_t unwrap_msgid(std::uint64_t newest, std::uint64_t msgid) {
    constexpr std::uint64_t k_span = std::uint64_t{1} << 32;
    if (msgid >= k_span) {
        return msgid; // not a u32: taken as it is
    }
    auto candidate = (newest & ~(k_span - 1)) | msgid;
    if (candidate + k_span / 2 < newest) {
        candidate += k_span;
    } else if (candidate > newest + k_span / 2 && candidate >= k_span) {
        candidate -= k_span;
    }
    return candidate;
}

} // namespace

void Receiver::deliver(SenderState& state, Record record, std::vector<Record>& out) {
    // The number that counts this target's messages: msgid, which netconsole
    // increments once per message it sends, or else printk's sequence number, which
    // also skips the records below the console level.
    std::optional<std::uint64_t> counter;
    if (const auto msgid = msgid_of(record)) {
        counter = state.counts_msgid ? unwrap_msgid(state.newest_msgid, *msgid) : *msgid;
        state.counts_msgid = true;
    } else if (!state.counts_msgid) {
        // A sender that sent msgid once is counted by it only: a record whose msgid
        // line was in a fragment that never came is not counted at all.
        counter = record.seq;
    }
    if (counter) {
        const auto result =
            state.sequence.observe(*counter, record.ts_usec.value_or(0), m_now,
                                   std::hash<std::string>{}(record.text));
        if (result.verdict == SeqVerdict::duplicate) {
            return;
        }
        record.lost_before = result.lost_before;
        const bool forward = result.verdict == SeqVerdict::in_order ||
                             result.verdict == SeqVerdict::gap;
        if (state.counts_msgid && record.seq) {
            // printk numbers skipped beside msgid numbers skipped: the difference never
            // reached netconsole (a late record sits in a gap counted already).
            if (forward && state.has_printk_seq && *record.seq > state.printk_seq) {
                const auto skipped = *record.seq - state.printk_seq - 1;
                record.unsent_before = skipped > record.lost_before ? skipped - record.lost_before : 0;
                state.unsent += record.unsent_before;
            }
            if (forward || result.verdict == SeqVerdict::first ||
                result.verdict == SeqVerdict::restart) {
                state.printk_seq = *record.seq;
                state.has_printk_seq = true;
            }
        }
        if (state.counts_msgid && (forward || result.verdict == SeqVerdict::first ||
                                   result.verdict == SeqVerdict::restart)) {
            state.newest_msgid = *counter;
        }
    }
    if (!state.delivered) {
        state.delivered = true;
        ++m_stats.senders;
    }
    if (record.incomplete) {
        ++m_stats.incomplete;
    }
    merge_or_emit(state, std::move(record), out);
}

void Receiver::merge_or_emit(SenderState& state, Record record, std::vector<Record>& out) {
    if (record.continues) {
        // Only 4.4-4.8 send '+': from then on this sender's 'c' records wait for
        // their continuation (later kernels join the pieces in printk itself and
        // flag a whole record 'c', which must not wait).
        state.merges_continuations = true;
        if (state.held) {
            auto& held = *state.held;
            held.text += record.text;
            held.lost_before += record.lost_before;
            held.unsent_before += record.unsent_before;
            held.wire_bytes += record.wire_bytes;
            held.incomplete = held.incomplete || record.incomplete;
            held.fields.insert(held.fields.end(), std::make_move_iterator(record.fields.begin()),
                               std::make_move_iterator(record.fields.end()));
            ++held.merged;
            ++m_stats.merged;
            return;
        }
    }
    release_held(state, out);
    if (record.cont && state.merges_continuations) {
        state.held = std::move(record);
        state.held_since = m_now;
        return;
    }
    emit(state, std::move(record), out);
}

void Receiver::release_held(SenderState& state, std::vector<Record>& out) {
    if (state.held) {
        auto held = std::move(*state.held);
        state.held.reset();
        emit(state, std::move(held), out);
    }
}

void Receiver::emit(SenderState& state, Record record, std::vector<Record>& out) {
    ++state.records;
    ++m_stats.records;
    out.push_back(std::move(record));
}

void Receiver::feed_extended(const SenderKey& sender, SenderState& state,
                             const ExtendedDatagram& datagram, std::size_t wire_bytes,
                             Clock::time_point now, std::vector<Record>& out) {
    if (!datagram.fragment) {
        Record record;
        record.sender = sender;
        record.format = Format::extended;
        record.release.assign(datagram.release);
        record.level = static_cast<int>(datagram.prefix & 7);
        record.facility = static_cast<int>(datagram.prefix >> 3);
        record.seq = datagram.seq;
        record.ts_usec = datagram.ts_usec;
        record.cont = datagram.cont;
        record.continues = datagram.continues;
        record.caller.assign(datagram.caller);
        record.wire_bytes = wire_bytes;
        parse_body(datagram.body, record);
        deliver(state, std::move(record), out);
        return;
    }
    const auto& fragment = *datagram.fragment;
    const auto length = datagram.body.size();
    if (fragment.total == 0 || fragment.total > m_limits.max_record_body || length == 0 ||
        fragment.offset >= fragment.total || length > fragment.total - fragment.offset) {
        ++m_stats.malformed;
        return;
    }
    auto it = state.pending.find(datagram.seq);
    if (it != state.pending.end() &&
        (it->second.identity != datagram.identity || it->second.total != fragment.total)) {
        // Same number, another record: the sender restarted mid-record, or garbage.
        drop_pending(state, it);
        it = state.pending.end();
    }
    if (it == state.pending.end()) {
        const Completed done{datagram.seq, datagram.ts_usec};
        if (std::find(state.completed.begin(), state.completed.end(), done) !=
            state.completed.end()) {
            ++m_stats.duplicate_fragments; // a late copy of a record delivered already
            return;
        }
        // Admission before any allocation: the header's cost must fit, after the
        // sender's own least recently fed partial record and then everyone's make room.
        const auto header_cost = ReceiverLimits::k_pending_overhead + datagram.identity.size() +
                                 datagram.release.size() + datagram.caller.size();
        if (header_cost + length > m_limits.max_pending_bytes) {
            ++m_stats.dropped;
            return;
        }
        if (state.pending.size() >= m_limits.max_pending_records) {
            drop_pending(state, state.pending.find(state.pending_order.front()));
        }
        if (!make_room(header_cost + length, m_pending_lru.end())) {
            ++m_stats.dropped;
            return;
        }
        Pending pending;
        pending.identity.assign(datagram.identity);
        pending.release.assign(datagram.release);
        pending.caller.assign(datagram.caller);
        pending.prefix = datagram.prefix;
        pending.ts_usec = datagram.ts_usec;
        pending.cont = datagram.cont;
        pending.continues = datagram.continues;
        pending.total = fragment.total;
        pending.created = now;
        pending.cost = header_cost;
        m_pending_bytes += header_cost;
        it = state.pending.emplace(datagram.seq, std::move(pending)).first;
        it->second.lru = m_pending_lru.insert(m_pending_lru.end(), {sender, datagram.seq});
        it->second.sender_lru = state.pending_order.insert(state.pending_order.end(), datagram.seq);
    }
    auto& pending = it->second;
    const auto added = cover(pending.covered, fragment.offset, fragment.offset + length);
    if (added == 0) {
        ++m_stats.duplicate_fragments;
        return;
    }
    // Most recently fed now: eviction takes others first.
    m_pending_lru.splice(m_pending_lru.end(), m_pending_lru, pending.lru);
    state.pending_order.splice(state.pending_order.end(), state.pending_order, pending.sender_lru);
    if (pending.cost + length > 2 * pending.total + m_limits.k_pending_overhead + 4096 ||
        !make_room(length, pending.lru)) {
        // Overlapping pieces beyond any honest sender's, or a record larger than the
        // whole cap: the record goes.
        drop_pending(state, it);
        return;
    }
    pending.pieces.emplace_back(fragment.offset, datagram.body);
    pending.cost += length;
    m_pending_bytes += length;
    pending.received += added;
    pending.wire_bytes += wire_bytes;
    if (pending.received == pending.total) {
        remember_delivered(state, it->first, pending.ts_usec);
        auto record = complete(sender, it->first, pending);
        drop_pending(state, it, Drop::delivered);
        deliver(state, std::move(record), out);
    }
}

void Receiver::remember_delivered(SenderState& state, std::uint64_t seq, std::uint64_t ts_usec) {
    state.completed[state.next_completed++ % state.completed.size()] = {seq, ts_usec};
}

Record Receiver::complete(const SenderKey& sender, std::uint64_t seq, Pending& pending) {
    Record record;
    record.sender = sender;
    record.format = Format::extended;
    record.release = pending.release;
    record.level = static_cast<int>(pending.prefix & 7);
    record.facility = static_cast<int>(pending.prefix >> 3);
    record.seq = seq;
    record.ts_usec = pending.ts_usec;
    record.cont = pending.cont;
    record.continues = pending.continues;
    record.caller = pending.caller;
    record.wire_bytes = pending.wire_bytes;
    record.incomplete = pending.received != pending.total;
    // The first copy of a byte wins: later pieces are laid down first.
    std::string whole(pending.total, '\0');
    for (auto piece = pending.pieces.rbegin(); piece != pending.pieces.rend(); ++piece) {
        std::copy(piece->second.begin(), piece->second.end(),
                  whole.begin() + static_cast<std::ptrdiff_t>(piece->first));
    }
    if (!record.incomplete) {
        parse_body(whole, record);
        return record;
    }
    // What arrived, with "[...]" where pieces never came.
    std::string body;
    std::size_t position = 0;
    for (const auto& [first, end] : pending.covered) {
        if (first > position) {
            body += "[...]";
        }
        body.append(whole, first, end - first);
        position = end;
    }
    if (position < pending.total) {
        body += "[...]";
    }
    parse_body(body, record);
    return record;
}

void Receiver::drop_pending(SenderState& state, std::map<std::uint64_t, Pending>::iterator it,
                            Drop why) {
    m_pending_bytes -= it->second.cost;
    if (why == Drop::counted && it->second.received != it->second.total) {
        ++m_stats.dropped;
    }
    m_pending_lru.erase(it->second.lru);
    state.pending_order.erase(it->second.sender_lru);
    state.pending.erase(it);
}

bool Receiver::make_room(std::size_t bytes, std::list<PendingRef>::iterator keep) {
    // The least recently fed partial record goes first, whoever sent it: a flood
    // of bogus fragments pushes out its own oldest entries, while a record being
    // filled stays at the recent end.
    while (m_pending_bytes + bytes > m_limits.max_pending_bytes && !m_pending_lru.empty() &&
           m_pending_lru.begin() != keep) {
        const auto& oldest = m_pending_lru.front();
        auto& state = m_senders.find(oldest.sender)->second;
        drop_pending(state, state.pending.find(oldest.seq));
    }
    return m_pending_bytes + bytes <= m_limits.max_pending_bytes;
}

void Receiver::feed_plain(const SenderKey& sender, SenderState& state, std::string_view datagram,
                          Clock::time_point now, std::vector<Record>& out) {
    while (!datagram.empty() && datagram.back() == '\0') {
        datagram.remove_suffix(1);
    }
    if (state.line.empty()) {
        state.line_since = now;
    }
    state.line_wire += datagram.size();
    for (auto newline = datagram.find('\n'); newline != std::string_view::npos;
         newline = datagram.find('\n')) {
        state.line.append(datagram.substr(0, newline));
        datagram.remove_prefix(newline + 1);
        flush_line(sender, state, out);
        state.line_since = now;
    }
    state.line.append(datagram);
    if (state.line.size() >= m_limits.max_line_bytes) {
        flush_line(sender, state, out, Cut::yes);
    }
}

void Receiver::flush_line(const SenderKey& sender, SenderState& state, std::vector<Record>& out,
                          Cut cut) {
    if (state.line.empty() || state.line == "\r") {
        state.line.clear();
        return;
    }
    Record record;
    record.sender = sender;
    record.format = Format::plain;
    record.wire_bytes = state.line_wire;
    parse_plain_line(state.line, record);
    if (cut == Cut::yes) {
        // The line goes on in the next record: said, not silently split.
        record.cut = true;
        ++m_stats.cut;
    }
    state.line.clear();
    state.line_wire = 0;
    deliver(state, std::move(record), out);
}

void Receiver::expire(Clock::time_point now, std::vector<Record>& out) {
    m_now = std::max(m_now, now);
    for (auto& [sender, state] : m_senders) {
        for (auto it = state.pending.begin(); it != state.pending.end();) {
            if (now - it->second.created < m_limits.fragment_timeout) {
                ++it;
                continue;
            }
            remember_delivered(state, it->first, it->second.ts_usec);
            auto record = complete(sender, it->first, it->second);
            drop_pending(state, it++, Drop::delivered);
            deliver(state, std::move(record), out);
        }
        if (!state.line.empty() && now - state.line_since >= m_limits.line_timeout) {
            flush_line(sender, state, out);
        }
        if (state.held && now - state.held_since >= m_limits.continuation_timeout) {
            release_held(state, out);
        }
    }
    while (!m_lru.empty()) {
        const auto& oldest = m_senders.find(m_lru.back())->second;
        if (now - oldest.last_seen < m_limits.idle_timeout || !oldest.pending.empty() ||
            !oldest.line.empty() || oldest.held) {
            break;
        }
        evict(m_lru.back());
    }
}

void Receiver::flush(std::vector<Record>& out) {
    for (auto& [sender, state] : m_senders) {
        for (auto it = state.pending.begin(); it != state.pending.end();) {
            auto record = complete(sender, it->first, it->second);
            drop_pending(state, it++, Drop::delivered);
            deliver(state, std::move(record), out);
        }
        if (!state.line.empty()) {
            flush_line(sender, state, out);
        }
        release_held(state, out);
    }
}

bool Receiver::take_ack_token(const SenderKey& sender, Clock::time_point now) {
    const auto found = m_senders.find(sender);
    if (found == m_senders.end()) {
        return false;
    }
    auto& state = found->second;
    const std::chrono::duration<double> elapsed = now - state.ack_time;
    state.ack_tokens = std::min(5.0, state.ack_tokens + elapsed.count());
    state.ack_time = now;
    if (state.ack_tokens < 1.0) {
        return false;
    }
    state.ack_tokens -= 1.0;
    return true;
}

ReceiverStats Receiver::stats() const {
    auto stats = m_stats;
    stats.lost = m_evicted_lost;
    stats.duplicates = m_evicted_duplicates;
    stats.late = m_evicted_late;
    stats.filled = m_evicted_filled;
    stats.restarts = m_evicted_restarts;
    stats.unsent = m_evicted_unsent;
    for (const auto& [sender, state] : m_senders) {
        stats.unsent += state.unsent;
        stats.lost += state.sequence.lost();
        stats.duplicates += state.sequence.duplicates();
        stats.late += state.sequence.late();
        stats.filled += state.sequence.filled();
        stats.restarts += state.sequence.restarts();
    }
    return stats;
}

std::vector<StreamStats> Receiver::stream_stats() const {
    std::vector<StreamStats> streams;
    streams.reserve(m_senders.size());
    for (const auto& [stream, state] : m_senders) {
        if (!state.delivered) {
            continue;
        }
        StreamStats entry;
        entry.stream = stream;
        entry.records = state.records;
        entry.lost = state.sequence.lost();
        entry.unsent = state.unsent;
        entry.late = state.sequence.late();
        entry.duplicates = state.sequence.duplicates();
        entry.restarts = state.sequence.restarts();
        entry.counts_msgid = state.counts_msgid;
        streams.push_back(entry);
    }
    return streams;
}

} // namespace ncs::receive
