#include "receive/sequence.hpp"

#include <catch2/catch.hpp>

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
