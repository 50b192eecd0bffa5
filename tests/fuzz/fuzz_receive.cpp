// libFuzzer target for the doctor's side: the record parser and the reassembler.
// The input is a script of datagrams, each [control byte][length: 2 bytes][bytes],
// the control byte choosing one of 8 senders and whether time moves on first.
// Besides "no crash, no sanitizer report", it aborts when an invariant breaks:
//  - the sender, pending-byte and per-sender caps hold after every datagram;
//  - no record text holds a newline; flush leaves nothing pending;
//  - every datagram's bytes without a NUL, as the body of a record cut up by
//    kernel_datagrams and fed in reverse order, come back as exactly that record.
#include "receive/ack.hpp"
#include "receive/receiver.hpp"
#include "receive/record.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace ncs::receive;

void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

void check_records(const std::vector<Record>& records) {
    for (const auto& record : records) {
        require(record.text.find('\n') == std::string::npos, "a record's text holds a newline");
        if (const auto reply = ack_reply(record)) {
            require(reply->size() <= record.wire_bytes, "an ack is larger than its record");
        }
    }
}

void check_round_trip(std::string_view body) {
    // The kernel never puts a NUL in a body; the receiver drops trailing NULs of a
    // datagram (the 1000-byte caveat), so a NUL at a cut would not come back.
    if (body.empty() || body.find('\0') != std::string_view::npos) {
        return;
    }
    const auto datagrams = kernel_datagrams("7.2.13,6,77,123,-", body, 200);
    Receiver receiver;
    std::vector<Record> out;
    const auto key = SenderKey::from(ncs::IpAddress::v4({192, 0, 2, 1}), 6665);
    for (auto it = datagrams.rbegin(); it != datagrams.rend(); ++it) {
        receiver.feed(key, *it, {}, out);
    }
    require(out.size() == 1, "a cut-up record does not come back as one record");
    Record expected;
    parse_body(body, expected);
    require(out[0].text == expected.text && out[0].fields == expected.fields,
            "a cut-up record comes back different");
    require(out[0].seq == 77u && out[0].release == "7.2.13", "the header changed");
    require(receiver.pending_bytes() == 0, "a completed record stays pending");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ReceiverLimits limits;
    limits.max_senders = 4;
    limits.max_pending_bytes = 20000;
    limits.max_pending_records = 3;
    limits.max_line_bytes = 300;
    Receiver receiver(limits);
    std::vector<Record> out;
    Receiver::Clock::time_point now{};
    std::string_view input(reinterpret_cast<const char*>(data), size);
    while (input.size() >= 3) {
        const auto control = static_cast<std::uint8_t>(input[0]);
        std::size_t length = (std::size_t{static_cast<std::uint8_t>(input[1])} << 8) |
                             static_cast<std::uint8_t>(input[2]);
        input.remove_prefix(3);
        length = std::min(length, input.size());
        const auto datagram = input.substr(0, length);
        input.remove_prefix(length);
        if (control & 0x08) {
            now += std::chrono::milliseconds(700 * ((control >> 4) + 1));
            receiver.expire(now, out);
        }
        const auto key = SenderKey::from(
            ncs::IpAddress::v4({10, 0, 0, static_cast<std::uint8_t>(control & 0x07)}), 6665);
        receiver.feed(key, datagram, now, out);
        require(receiver.sender_count() <= limits.max_senders, "sender cap broken");
        require(receiver.pending_bytes() <= limits.max_pending_bytes, "pending-byte cap broken");
        if (const auto parsed = parse_extended(datagram)) {
            require(datagram.substr(0, parsed->identity.size()) == parsed->identity,
                    "the identity is not the start of the header");
        }
        check_round_trip(datagram);
    }
    receiver.flush(out);
    require(receiver.pending_bytes() == 0, "flush left partial records");
    check_records(out);
    const auto stats = receiver.stats();
    require(stats.records == out.size(), "records counted are not records delivered");
    return 0;
}
