#include "receive/receiver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>

using namespace ncs::receive;
using namespace std::chrono_literals;

namespace {

SenderKey sender(std::uint8_t last, std::uint16_t port = 6665) {
    return SenderKey::from(ncs::IpAddress::v4({10, 1, 0, last}), port);
}

const Receiver::Clock::time_point t0{};

/// A record of body_bytes with a userdata entry and sysdata, as 7.x sends it.
std::string long_body(std::size_t text_bytes) {
    std::string text;
    for (std::size_t i = 0; i < text_bytes; ++i) {
        text += static_cast<char>('a' + i % 26);
    }
    return text + "\n rack=" + std::string(180, 'r') + "\n cpu=0\n taskname=sh\n"
                  " release=7.2.13\n msgid=9\n";
}

} // namespace

TEST_CASE("a whole extended record becomes one record with its fields") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "7.2.13,11,382,8648230,-;oops\n userkey=v\n msgid=1\n", t0, out);
    REQUIRE(out.size() == 1);
    const auto& record = out[0];
    CHECK(record.format == Format::extended);
    CHECK(record.release == "7.2.13");
    CHECK(record.level == 3);
    CHECK(record.facility == 1);
    CHECK(record.seq == 382u);
    CHECK(record.ts_usec == 8648230u);
    CHECK(record.text == "oops");
    CHECK(record.fields.size() == 2);
    CHECK(record.lost_before == 0);
}

TEST_CASE("fragments in order, reversed, shuffled and duplicated reassemble whole") {
    const auto body = long_body(3000);
    const auto datagrams = kernel_datagrams("7.2.13,6,50,1000,-", body);
    REQUIRE(datagrams.size() > 3);
    std::vector<std::vector<std::string>> orders;
    orders.push_back(datagrams);
    orders.emplace_back(datagrams.rbegin(), datagrams.rend());
    auto shuffled = datagrams;
    std::mt19937 random(7);
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    orders.push_back(shuffled);
    auto doubled = datagrams;
    doubled.insert(doubled.begin() + 1, datagrams.begin(), datagrams.end());
    orders.push_back(doubled);
    for (const auto& order : orders) {
        Receiver receiver;
        std::vector<Record> out;
        for (const auto& datagram : order) {
            receiver.feed(sender(2), datagram, t0, out);
        }
        REQUIRE(out.size() == 1);
        CHECK_FALSE(out[0].incomplete);
        CHECK(out[0].text.size() == 3000);
        CHECK(out[0].fields.size() == 5); // rack, cpu, taskname, release, msgid
        CHECK(out[0].fields[0].second == std::string(180, 'r'));
        CHECK(out[0].release == "7.2.13");
        CHECK(receiver.pending_bytes() == 0);
    }
}

TEST_CASE("no 8 KiB ceiling: a record with 256 userdata entries reassembles") {
    std::string body = std::string(8000, 'm') + "\n";
    for (int key = 0; key < 256; ++key) {
        body += " key" + std::to_string(key) + "=" + std::string(199, 'v') + "\n";
    }
    REQUIRE(body.size() > 60000);
    Receiver receiver;
    std::vector<Record> out;
    for (const auto& datagram : kernel_datagrams("6,1,2,-", body)) {
        receiver.feed(sender(2), datagram, t0, out);
    }
    REQUIRE(out.size() == 1);
    CHECK(out[0].fields.size() == 256);
}

TEST_CASE("a missing fragment times out into an incomplete record") {
    const auto datagrams = kernel_datagrams("6,9,2,-", long_body(2500));
    REQUIRE(datagrams.size() >= 3);
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), datagrams[0], t0, out);
    receiver.feed(sender(2), datagrams[2], t0, out);
    receiver.expire(t0 + 1s, out);
    CHECK(out.empty());
    receiver.expire(t0 + 3s, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].incomplete);
    CHECK(out[0].text.find("[...]") != std::string::npos);
    CHECK(receiver.stats().incomplete == 1);
    CHECK(receiver.pending_bytes() == 0);
    // The late fragment alone now is a duplicate of a delivered record.
    receiver.feed(sender(2), datagrams[1], t0 + 3s, out);
    receiver.expire(t0 + 10s, out);
    CHECK(out.size() == 1);
}

TEST_CASE("bogus fragment offsets and lengths are refused") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,2,-,ncfrag=10/5;x", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=4/5;xyz", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/0;x", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/99999999;x", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/5;", t0, out);
    CHECK(receiver.stats().malformed == 5);
    CHECK(receiver.pending_bytes() == 0);
    // A fragment of the same seq with another total replaces the partial record.
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/10;abcde", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/6;abc", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=3/6;de\n", t0, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "abcde");
    CHECK(receiver.stats().dropped == 1);
}

TEST_CASE("lost records are counted from sequence gaps, per sender") {
    Receiver receiver;
    std::vector<Record> out;
    for (int seq : {1, 2, 3, 7, 8}) {
        receiver.feed(sender(2), "6," + std::to_string(seq) + ",100,-;a\n", t0, out);
    }
    for (int seq : {1, 2}) {
        receiver.feed(sender(3), "6," + std::to_string(seq) + ",100,-;a\n", t0, out);
    }
    REQUIRE(out.size() == 7);
    CHECK(out[3].lost_before == 3);
    const auto stats = receiver.stats();
    CHECK(stats.lost == 3);
    CHECK(stats.senders == 2);
    CHECK(stats.records == 7);
}

TEST_CASE("a duplicated record is delivered once") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,100,-;a\n", t0, out);
    receiver.feed(sender(2), "6,1,100,-;a\n", t0, out);
    CHECK(out.size() == 1);
    CHECK(receiver.stats().duplicates == 1);
}

TEST_CASE("plain text: several lines in one datagram, one line over several") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "[    1.000000] first\n[    2.000000] sec", t0, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "first");
    CHECK(out[0].ts_usec == 1000000u);
    receiver.feed(sender(2), "ond\nthird", t0, out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].text == "second");
    CHECK(out[1].ts_usec == 2000000u);
    receiver.expire(t0 + 2s, out);
    REQUIRE(out.size() == 3);
    CHECK(out[2].text == "third");
    CHECK(out[2].format == Format::plain);
}

TEST_CASE("plain text of two senders is not mixed") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "from two ", t0, out);
    receiver.feed(sender(3), "from three\n", t0, out);
    receiver.feed(sender(2), "done\n", t0, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].text == "from three");
    CHECK(out[1].text == "from two done");
}

TEST_CASE("an endless line is cut at the cap") {
    ReceiverLimits limits;
    limits.max_line_bytes = 100;
    Receiver receiver(limits);
    std::vector<Record> out;
    for (int i = 0; i < 30; ++i) {
        receiver.feed(sender(2), "0123456789", t0, out);
    }
    CHECK(out.size() == 3);
}

TEST_CASE("spoofed senders by the thousand stay within the sender cap") {
    ReceiverLimits limits;
    limits.max_senders = 100;
    Receiver receiver(limits);
    std::vector<Record> out;
    for (int i = 0; i < 5000; ++i) {
        const auto key = SenderKey::from(
            ncs::IpAddress::v4({10, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 1}),
            static_cast<std::uint16_t>(i));
        receiver.feed(key, "6,1,2,-,ncfrag=0/60000;x", t0, out);
        CHECK(receiver.sender_count() <= 100);
    }
    CHECK(receiver.stats().evicted_senders == 4900);
    CHECK(receiver.pending_bytes() <= 100 * 60000);
}

TEST_CASE("pending bytes stay under their cap, and the least recently fed partial records go first") {
    ReceiverLimits limits;
    limits.max_pending_bytes = 20000;
    Receiver receiver(limits);
    std::vector<Record> out;
    const std::string piece(1000, 'x');
    // Each partial record costs its header and the 1000 bytes that came: 13 fit.
    const auto cost = ReceiverLimits::k_pending_overhead + 7 + 1000;
    REQUIRE(13 * cost <= 20000);
    REQUIRE(14 * cost > 20000);
    for (int i = 0; i < 50; ++i) {
        receiver.feed(sender(static_cast<std::uint8_t>(i)), "6,1,2,-,ncfrag=0/2000;" + piece, t0,
                      out);
        CHECK(receiver.pending_bytes() <= 20000);
    }
    CHECK(receiver.pending_bytes() == 13 * cost);
    CHECK(receiver.stats().dropped == 37);
    // The newest senders (37 to 49) are the ones held: each completes its record, the
    // room its second piece needs taken from the least recently fed of the others.
    for (const int s : {49, 48}) {
        receiver.feed(sender(static_cast<std::uint8_t>(s)),
                      "6,1,2,-,ncfrag=1000/2000;" + std::string(1000, 'y'), t0, out);
        CHECK(receiver.pending_bytes() <= 20000);
    }
    REQUIRE(out.size() == 2);
    CHECK(out[0].text == piece + std::string(1000, 'y'));
    CHECK(out[1].text.size() == 2000);
    // Sender 37, the least recently fed, made room (one more dropped); sender 47's record
    // is still whole.
    CHECK(receiver.stats().dropped == 38);
    receiver.feed(sender(37), "6,1,2,-,ncfrag=1000/2000;" + std::string(1000, 'y'), t0, out);
    CHECK(out.size() == 2);
    receiver.feed(sender(47), "6,1,2,-,ncfrag=1000/2000;" + std::string(1000, 'y'), t0, out);
    CHECK(out.size() == 3);
}

TEST_CASE("a partial record costs what came, not the total it announces") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/70000;x", t0, out);
    CHECK(receiver.pending_bytes() == ReceiverLimits::k_pending_overhead + 7 + 1);
    // Overlapping copies that each add one byte cannot pile up beyond twice the total.
    Receiver overlaps;
    for (std::size_t offset = 0; offset < 200; ++offset) {
        overlaps.feed(sender(3),
                      "6,1,2,-,ncfrag=" + std::to_string(offset) + "/1200;" + std::string(1000, 'o'),
                      t0, out);
        CHECK(overlaps.pending_bytes() <= 2 * 1200 + ReceiverLimits::k_pending_overhead + 4096);
    }
    CHECK(overlaps.stats().dropped >= 1);
}

TEST_CASE("eviction takes the least recently fed partial record, whoever sent it") {
    ReceiverLimits limits;
    const auto cost = ReceiverLimits::k_pending_overhead + 7 + 10;
    limits.max_pending_bytes = 3 * cost + 20; // three partial records and two more pieces
    Receiver receiver(limits);
    std::vector<Record> out;
    const std::string ten(10, 'a');
    for (const std::uint8_t s : {std::uint8_t{1}, std::uint8_t{2}, std::uint8_t{3}}) {
        receiver.feed(sender(s), "6,1,2,-,ncfrag=0/30;" + ten, t0, out);
    }
    CHECK(receiver.stats().dropped == 0);
    // Sender 1 is fed twice: sender 2's record is now the least recently fed.
    receiver.feed(sender(1), "6,1,2,-,ncfrag=10/30;" + ten, t0, out);
    CHECK(receiver.stats().dropped == 0);
    receiver.feed(sender(4), "6,1,2,-,ncfrag=0/30;" + ten, t0, out);
    CHECK(receiver.stats().dropped == 1); // sender 2's went
    receiver.feed(sender(1), "6,1,2,-,ncfrag=20/30;" + ten, t0, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].sender == sender(1));
    CHECK(out[0].text == std::string(30, 'a'));
    receiver.feed(sender(2), "6,1,2,-,ncfrag=10/30;" + ten + ten, t0, out);
    receiver.feed(sender(3), "6,1,2,-,ncfrag=10/30;" + ten + ten, t0, out);
    REQUIRE(out.size() == 2); // sender 3's first piece stayed, sender 2's did not
    CHECK(out[1].sender == sender(3));
}

TEST_CASE("records in reassembly per sender are capped, the least recently fed go first") {
    ReceiverLimits limits;
    limits.max_pending_records = 4;
    Receiver receiver(limits);
    std::vector<Record> out;
    for (int seq = 0; seq < 10; ++seq) {
        receiver.feed(sender(2), "6," + std::to_string(seq) + ",2,-,ncfrag=0/100;x", t0, out);
    }
    CHECK(receiver.pending_bytes() == 4 * (ReceiverLimits::k_pending_overhead + 7 + 1));
    CHECK(receiver.stats().dropped == 6);
    const std::string rest = ";" + std::string(99, 'y');
    receiver.feed(sender(2), "6,6,2,-,ncfrag=1/100" + rest, t0, out);
    REQUIRE(out.size() == 1);
    CHECK(*out[0].seq == 6);
    receiver.feed(sender(2), "6,5,2,-,ncfrag=1/100" + rest, t0, out);
    CHECK(out.size() == 1); // seq 5 was dropped
}

TEST_CASE("a duplicate fragment, of a pending or a delivered record, is counted") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/4;ab", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=0/4;ab", t0, out);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=2/4;cd", t0, out);
    REQUIRE(out.size() == 1);
    receiver.feed(sender(2), "6,1,2,-,ncfrag=2/4;cd", t0, out);
    CHECK(out.size() == 1);
    CHECK(receiver.stats().duplicate_fragments == 2);
}

TEST_CASE("idle senders are evicted, their losses kept in the totals") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,2,-;a\n", t0, out);
    receiver.feed(sender(2), "6,5,2,-;a\n", t0, out);
    receiver.feed(sender(3), "6,1,2,-;a\n", t0 + 500s, out);
    receiver.expire(t0 + 700s, out);
    CHECK(receiver.sender_count() == 1);
    CHECK(receiver.stats().lost == 3);
    CHECK(receiver.stats().senders == 2);
}

TEST_CASE("a restart mid-record: the same seq with another header replaces it") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,5,100,-,ncfrag=0/8;abcd", t0, out);
    receiver.feed(sender(2), "6,5,999,-,ncfrag=0/4;new\n", t0, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "new");
    CHECK(out[0].ts_usec == 999u);
}

TEST_CASE("flush delivers what is held at exit") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,5,100,-,ncfrag=0/8;abcd", t0, out);
    receiver.feed(sender(3), "no newline", t0, out);
    receiver.flush(out);
    CHECK(out.size() == 2);
    CHECK(receiver.pending_bytes() == 0);
}

TEST_CASE("acknowledgments are rate-limited per sender") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,2,-;a\n", t0, out);
    int granted = 0;
    for (int i = 0; i < 20; ++i) {
        granted += receiver.take_ack_token(sender(2), t0) ? 1 : 0;
    }
    CHECK(granted == 5);
    CHECK(receiver.take_ack_token(sender(2), t0 + 1s));
    CHECK_FALSE(receiver.take_ack_token(sender(2), t0 + 1s));
    CHECK_FALSE(receiver.take_ack_token(sender(9), t0)); // never heard from
}

TEST_CASE("with sysdata msgid, losses count msgid gaps, not printk's skipped records") {
    Receiver receiver;
    std::vector<Record> out;
    // printk numbers 10, 14, 15 (11-13 were below the console level), msgid 1, 2, 4.
    receiver.feed(sender(2), "6,10,100,-;a\n msgid=1\n", t0, out);
    receiver.feed(sender(2), "6,14,140,-;b\n msgid=2\n", t0, out);
    receiver.feed(sender(2), "6,15,150,-;c\n msgid=4\n", t0, out);
    REQUIRE(out.size() == 3);
    CHECK(out[1].lost_before == 0);
    CHECK(out[2].lost_before == 1);
    CHECK(receiver.stats().lost == 1);
}

TEST_CASE("a forged sequence number near 2^63 is a restart, not 9.2e18 lost") {
    Receiver receiver;
    std::vector<Record> out;
    std::uint64_t reported = 0;
    for (const std::string seq : {"5", "9223372036854775807", "6", "18446744073709551615", "0"}) {
        receiver.feed(sender(2), "6," + seq + ",100,-;a\n", t0 + 1ms, out);
    }
    for (const auto& record : out) {
        reported += record.lost_before;
    }
    CHECK(receiver.stats().lost == 0);
    CHECK(reported == 0);
    CHECK(receiver.stats().restarts == 4);
}

TEST_CASE("the same number and timestamp with another text is not a duplicate") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,7,100,-;first\n", t0, out);
    receiver.feed(sender(2), "6,7,100,-;first\n", t0, out);
    receiver.feed(sender(2), "6,7,100,-;other\n", t0, out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].text == "other");
    CHECK(receiver.stats().duplicates == 1);
}

TEST_CASE("a plain line longer than the cap is delivered in marked pieces") {
    ReceiverLimits limits;
    limits.max_line_bytes = 100;
    Receiver receiver(limits);
    std::vector<Record> out;
    receiver.feed(sender(2), std::string(150, 'p'), t0, out);
    receiver.feed(sender(2), "q\n", t0, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].cut);
    CHECK(out[0].text == std::string(150, 'p'));
    CHECK_FALSE(out[1].cut);
    CHECK(out[1].text == "q");
    CHECK(receiver.stats().cut == 1);
}

TEST_CASE("two targets of one patient to two doctor ports are two streams") {
    // Both from the patient's port 6665; one to 6666, one to 6667, with the same
    // sequence numbers (one printk ring, two targets): neither is a duplicate.
    Receiver receiver;
    std::vector<Record> out;
    const auto doctor = ncs::IpAddress::v4({10, 1, 0, 1});
    const auto first = sender(2).at(doctor, 6666);
    const auto second = sender(2).at(doctor, 6667);
    CHECK_FALSE(first == second);
    CHECK(SenderKeyHash{}(first) != SenderKeyHash{}(second));
    for (int seq : {1, 2, 3}) {
        const auto datagram = "6," + std::to_string(seq) + ",100,-;a\n";
        receiver.feed(first, datagram, t0, out);
        receiver.feed(second, datagram, t0, out);
    }
    REQUIRE(out.size() == 6);
    CHECK(out[0].sender.local_port == 6666);
    CHECK(out[1].sender.local_port == 6667);
    CHECK(out[1].sender.local_ip() == doctor);
    CHECK(receiver.stats().duplicates == 0);
    CHECK(receiver.stream_stats().size() == 2);
}

TEST_CASE("an IPv4-mapped doctor address names the IPv4 stream") {
    const auto mapped = ncs::IpAddress::try_parse("::ffff:10.1.0.1");
    REQUIRE(mapped);
    const auto key = sender(2).at(*mapped, 6666);
    CHECK(key.local_v4);
    CHECK(key.local_ip() == ncs::IpAddress::v4({10, 1, 0, 1}));
    CHECK(key == sender(2).at(ncs::IpAddress::v4({10, 1, 0, 1}), 6666));
}

TEST_CASE("msgid tells what netconsole dropped from what printk never handed over") {
    Receiver receiver;
    std::vector<Record> out;
    // printk 10, 14, 20; msgid 1, 2, 4: 11-13 never reached netconsole; between 14
    // and 20 five printk records were skipped, one of them (msgid 3) sent and lost.
    receiver.feed(sender(2), "6,10,100,-;a\n msgid=1\n", t0, out);
    receiver.feed(sender(2), "6,14,140,-;b\n msgid=2\n", t0, out);
    receiver.feed(sender(2), "6,20,200,-;c\n msgid=4\n", t0, out);
    REQUIRE(out.size() == 3);
    CHECK(out[1].lost_before == 0);
    CHECK(out[1].unsent_before == 3);
    CHECK(out[2].lost_before == 1);
    CHECK(out[2].unsent_before == 4);
    const auto stats = receiver.stats();
    CHECK(stats.lost == 1);
    CHECK(stats.unsent == 7);
    const auto streams = receiver.stream_stats();
    REQUIRE(streams.size() == 1);
    CHECK(streams[0].counts_msgid);
    CHECK(streams[0].lost == 1);
    CHECK(streams[0].unsent == 7);
    CHECK(streams[0].records == 3);
}

TEST_CASE("a late record fills a msgid gap without changing what was never sent") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,10,100,-;a\n msgid=1\n", t0, out);
    receiver.feed(sender(2), "6,13,130,-;c\n msgid=3\n", t0, out);
    receiver.feed(sender(2), "6,12,120,-;b\n msgid=2\n", t0, out);
    REQUIRE(out.size() == 3);
    CHECK(out[1].lost_before == 1);
    CHECK(out[1].unsent_before == 1);
    const auto stats = receiver.stats();
    CHECK(stats.lost == 0);
    CHECK(stats.filled == 1);
    CHECK(stats.unsent == 1);
}

TEST_CASE("msgid wraps at 2^32 as one step, not a restart") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,10,100,-;a\n msgid=4294967294\n", t0, out);
    receiver.feed(sender(2), "6,11,110,-;b\n msgid=4294967295\n", t0, out);
    receiver.feed(sender(2), "6,12,120,-;c\n msgid=0\n", t0, out);
    receiver.feed(sender(2), "6,14,140,-;d\n msgid=2\n", t0, out);
    REQUIRE(out.size() == 4);
    CHECK(out[3].lost_before == 1);
    CHECK(out[3].unsent_before == 0);
    CHECK(receiver.stats().restarts == 0);
    CHECK(receiver.stats().lost == 1);
}

TEST_CASE("LOG_CONT: a '+' piece (4.4-4.8) is merged into the 'c' record before it") {
    Receiver receiver;
    std::vector<Record> out;
    // The first '+' teaches the receiver that this sender sends pieces.
    receiver.feed(sender(2), "6,1,100,c;CPU: 0 \n", t0, out);
    receiver.feed(sender(2), "6,2,101,+;PID: 1\n", t0, out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].continues);
    out.clear();
    receiver.feed(sender(2), "6,3,200,c;Modules linked in:\n", t0, out);
    receiver.feed(sender(2), "6,4,201,+; e1000\n", t0, out);
    receiver.feed(sender(2), "6,5,202,+; netconsole\n", t0, out);
    CHECK(out.empty()); // held for more pieces
    receiver.feed(sender(2), "6,6,300,-;next\n", t0, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].text == "Modules linked in: e1000 netconsole");
    CHECK(out[0].merged == 2);
    CHECK(out[0].seq == 3u);
    CHECK(out[1].text == "next");
    CHECK(receiver.stats().merged == 2);
    CHECK(receiver.stats().records == 4);
    CHECK(receiver.stats().lost == 0);
}

TEST_CASE("LOG_CONT: a held 'c' record goes out at the continuation timeout, and at flush") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,100,c;a\n", t0, out);
    receiver.feed(sender(2), "6,2,101,+;b\n", t0, out);
    out.clear();
    receiver.feed(sender(2), "6,3,200,c;held\n", t0, out);
    receiver.expire(t0 + 9s, out);
    CHECK(out.empty());
    receiver.expire(t0 + 10s, out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].text == "held");
    receiver.feed(sender(2), "6,4,300,c;at exit\n", t0 + 11s, out);
    receiver.flush(out);
    REQUIRE(out.size() == 2);
    CHECK(out[1].text == "at exit");
}

TEST_CASE("LOG_CONT: a 'c' record of a kernel that never sends '+' (4.9+) is not held") {
    Receiver receiver;
    std::vector<Record> out;
    receiver.feed(sender(2), "6,1,100,c;whole already\n", t0, out);
    CHECK(out.size() == 1);
}
