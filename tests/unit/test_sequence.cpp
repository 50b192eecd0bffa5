#include "receive/sequence.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace ncs::receive;

TEST_CASE("in-order records lose nothing") {
    SequenceTracker tracker;
    CHECK(tracker.observe(100, 1000).verdict == SeqVerdict::first);
    for (std::uint64_t seq = 101; seq < 2000; ++seq) {
        CHECK(tracker.observe(seq, seq * 10).verdict == SeqVerdict::in_order);
    }
    CHECK(tracker.lost() == 0);
}

TEST_CASE("a gap counts as lost and reports lost_before") {
    SequenceTracker tracker;
    tracker.observe(1, 10);
    const auto result = tracker.observe(5, 50);
    CHECK(result.verdict == SeqVerdict::gap);
    CHECK(result.lost_before == 3);
    CHECK(tracker.lost() == 3);
}

TEST_CASE("a record arriving late within the window fills its gap") {
    SequenceTracker tracker;
    tracker.observe(1, 10);
    tracker.observe(5, 50);
    CHECK(tracker.observe(3, 30).verdict == SeqVerdict::late);
    CHECK(tracker.lost() == 2);
    CHECK(tracker.observe(2, 20).verdict == SeqVerdict::late);
    CHECK(tracker.observe(4, 40).verdict == SeqVerdict::late);
    CHECK(tracker.lost() == 0);
    CHECK(tracker.late() == 3);
}

TEST_CASE("a duplicate is recognised and not counted twice") {
    SequenceTracker tracker;
    tracker.observe(1, 10);
    tracker.observe(2, 20);
    CHECK(tracker.observe(2, 20).verdict == SeqVerdict::duplicate);
    CHECK(tracker.observe(1, 10).verdict == SeqVerdict::duplicate);
    CHECK(tracker.duplicates() == 2);
    CHECK(tracker.lost() == 0);
}

TEST_CASE("a gap older than the window stays lost") {
    SequenceTracker tracker;
    tracker.observe(1, 10);
    tracker.observe(3, 30);
    for (std::uint64_t seq = 4; seq < 4 + SequenceTracker::k_window + 10; ++seq) {
        tracker.observe(seq, seq * 10);
    }
    CHECK(tracker.lost() == 1);
    // Seq 2 now is far behind: treated as a restart, and the loss stays counted.
    CHECK(tracker.observe(2, 20).verdict == SeqVerdict::restart);
    CHECK(tracker.lost() == 1);
}

TEST_CASE("a sender reboot far along: numbers back near zero is a restart, not loss") {
    SequenceTracker tracker;
    for (std::uint64_t seq = 5000; seq < 5010; ++seq) {
        tracker.observe(seq, 900'000'000 + seq);
    }
    CHECK(tracker.observe(0, 1000).verdict == SeqVerdict::restart);
    CHECK(tracker.observe(1, 2000).verdict == SeqVerdict::in_order);
    CHECK(tracker.restarts() == 1);
    CHECK(tracker.lost() == 0);
}

TEST_CASE("a reboot early in life: a number seen before with another timestamp") {
    SequenceTracker tracker;
    for (std::uint64_t seq = 0; seq < 50; ++seq) {
        tracker.observe(seq, 5'000'000 + seq * 1000);
    }
    CHECK(tracker.observe(3, 1'000'000).verdict == SeqVerdict::restart);
    CHECK(tracker.lost() == 0);
}

TEST_CASE("a reboot whose numbers are higher: the clock went back") {
    SequenceTracker tracker;
    tracker.observe(100, 50'000'000);
    CHECK(tracker.observe(400, 2'000'000).verdict == SeqVerdict::restart);
    CHECK(tracker.lost() == 0);
}

TEST_CASE("a record overtaken by the first one seen is late, not a restart") {
    SequenceTracker tracker;
    tracker.observe(10, 10'000);
    CHECK(tracker.observe(9, 9'000).verdict == SeqVerdict::late);
    CHECK(tracker.lost() == 0);
}

TEST_CASE("open gaps are capped") {
    SequenceTracker tracker;
    tracker.observe(0, 0);
    for (std::uint64_t seq = 2; seq < 2 + 2 * (SequenceTracker::k_max_gaps + 10); seq += 2) {
        tracker.observe(seq, seq);
    }
    CHECK(tracker.lost() == SequenceTracker::k_max_gaps + 10);
}

TEST_CASE("numbers at the ends of the range never wrap into a huge loss") {
    // The sequence: 1, 2^64-1, 1, 2^64-1, 0, 10.
    constexpr auto k_top = ~std::uint64_t{0};
    SequenceTracker tracker;
    std::uint64_t reported = 0;
    for (const auto seq : {std::uint64_t{1}, k_top, std::uint64_t{1}, k_top, std::uint64_t{0},
                           std::uint64_t{10}}) {
        const auto result = tracker.observe(seq, 1000);
        CHECK(result.lost_before <= 9);
        reported += result.lost_before;
    }
    CHECK(tracker.lost() == 9);
    CHECK(reported == tracker.lost());
    CHECK(tracker.restarts() == 4);
}

TEST_CASE("a jump beyond what a kernel could print is a restart, not loss") {
    using namespace std::chrono_literals;
    const SequenceTracker::Clock::time_point t0{};
    SequenceTracker tracker;
    tracker.observe(5, 1000, t0);
    CHECK(tracker.observe(std::uint64_t{1} << 63, 2000, t0 + 1ms).verdict == SeqVerdict::restart);
    CHECK(tracker.lost() == 0);
    // The real sender goes on: far behind the forged number, a restart again, no loss.
    CHECK(tracker.observe(6, 3000, t0 + 2ms).verdict == SeqVerdict::restart);
    CHECK(tracker.observe(7, 4000, t0 + 3ms).verdict == SeqVerdict::in_order);
    CHECK(tracker.lost() == 0);

    // Just at the bound is loss; one more is a restart.
    SequenceTracker bounded;
    bounded.observe(0, 1000, t0);
    const auto max = SequenceTracker::max_gap(0s);
    CHECK(bounded.observe(max + 1, 2000, t0).lost_before == max);
    CHECK(bounded.observe(2 * max + 3, 3000, t0).verdict == SeqVerdict::restart);
    // The bound grows with the receiver's time since the sender's last record.
    SequenceTracker later;
    later.observe(0, 1000, t0);
    const auto gap = SequenceTracker::k_max_jump + 5 * SequenceTracker::k_max_rate;
    CHECK(later.observe(gap + 1, 2000, t0 + 5s).lost_before == gap);
    CHECK(SequenceTracker::max_gap(std::chrono::hours(24 * 365 * 100)) > gap);
}

TEST_CASE("lost is the sum of lost_before less the gaps filled late") {
    SequenceTracker tracker;
    std::uint64_t reported = 0;
    std::mt19937_64 random(11);
    std::uint64_t seq = 100;
    for (int i = 0; i < 5000; ++i) {
        const auto step = random() % 8;
        if (step == 0 && seq > 4) {
            reported += tracker.observe(seq - 2, seq * 10 - 20).lost_before; // late or duplicate
            continue;
        }
        seq += step == 7 ? (random() % 1000) : 1;
        reported += tracker.observe(seq, seq * 10).lost_before;
    }
    CHECK(tracker.lost() == reported - tracker.filled());
}

TEST_CASE("a reboot whose first numbers are not near zero is a restart (ncrx: out-of-order run)") {
    // netconsole as a module starts sending well into the boot: the new boot's
    // first record is at 1590, just behind the old boot's newest 1610.
    SequenceTracker tracker;
    for (std::uint64_t seq = 1600; seq <= 1610; ++seq) {
        tracker.observe(seq, 40'000'000 + seq);
    }
    CHECK(tracker.observe(1590, 12'000'000).verdict == SeqVerdict::restart);
    for (std::uint64_t seq = 1591; seq <= 1620; ++seq) {
        CHECK(tracker.observe(seq, 12'000'000 + seq).verdict == SeqVerdict::in_order);
    }
    CHECK(tracker.restarts() == 1);
    CHECK(tracker.lost() == 0);
    CHECK(tracker.late() == 0);
}
