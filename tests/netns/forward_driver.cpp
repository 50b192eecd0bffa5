// ncs-forward-driver: what `listen --forward` does, in miniature, for the netns
// tier (tests/netns/forward-case.sh): netconsole datagrams (one of them an extended
// record fragmented and fed out of order) go through lib/receive's Receiver, each
// record becomes an RFC 5424 message (lib/forward) and goes to a Forwarder
// (lib/system), driven by a poll(2) loop as an event loop would drive it.
//
//   ncs-forward-driver --url URL [--ca FILE] [--server-name NAME] [--no-verify]
//       [--queue N] [--spool DIR] [--wait SECONDS] [--paced MS] --records N
//       [--hold-after K --sync DIR]
//
// With --hold-after K: after K records are acknowledged it writes DIR/held and
// waits (still polling) for DIR/go, then submits the rest: the test stops the
// target in between, then starts it again. With --paced MS it submits one record
// every MS milliseconds (the test restarts the target meanwhile). At the end it prints its counts,
// one `key=value` a line.
//
//   ncs-forward-driver --send-to ADDRESS:PORT --records N [--first K]
//
// sends records K..N (K defaults to 1) as netconsole datagrams from UDP port 6665 to
// a real `listen --forward` instead (the same datagrams, record 3 fragmented and out
// of order), and exits.

#include "forward/syslog.hpp"
#include "receive/receiver.hpp"
#include "system/forwarder.hpp"
#include "system/udp.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <poll.h>

using namespace ncs;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "ncs-forward-driver: " << why << '\n';
    std::exit(2);
}

/// Polls the forwarder for up to `limit`, until done() holds.
template <typename Done>
bool drive(Forwarder& forwarder, std::chrono::milliseconds limit, Done done) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end) {
        forwarder.poll(Clock::now());
        if (done()) {
            return true;
        }
        int timeout = 50;
        if (const auto deadline = forwarder.deadline()) {
            const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline -
                                                                                    Clock::now());
            timeout = static_cast<int>(std::clamp<long>(wait.count(), 0, 50));
        }
        pollfd fd{forwarder.fd(), static_cast<short>(POLLIN | (forwarder.wants_write() ? POLLOUT : 0)),
                  0};
        ::poll(&fd, forwarder.fd() >= 0 ? 1 : 0, timeout);
    }
    return done();
}

/// The datagrams of record i as a 7.2 kernel sends them to an extended target with
/// userdata and sysdata msgid: record 3 is long (three fragments, fed out of order).
std::vector<std::string> datagrams_of(int i) {
    const auto header = "7.2.13,6," + std::to_string(1000 + i) + "," + std::to_string(5'000'000 + i * 1000) + ",-";
    std::string text = "forward test record " + std::to_string(i) + " \"quoted\" [bracket] back\\slash";
    if (i == 3) {
        text += " long:";
        for (int k = 0; k < 300; ++k) {
            text += " w" + std::to_string(k);
        }
        text += " end-of-long";
    }
    const auto body = text + "\n rack=r1\n cpu=0\n msgid=" + std::to_string(i) + "\n";
    auto pieces = receive::kernel_datagrams(header, body);
    if (pieces.size() > 2) {
        std::swap(pieces.front(), pieces.back());
    }
    return pieces;
}

} // namespace

int main(int argc, char** argv) {
    ForwarderOptions options;
    std::string url;
    int records = 0;
    int hold_after = -1;
    std::filesystem::path sync;
    int wait_seconds = 20;
    int paced_ms = 0;
    std::string send_to;
    int first_record = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--url") {
            url = value();
        } else if (arg == "--ca") {
            options.tls.ca_file = value();
        } else if (arg == "--server-name") {
            options.tls.server_name = value();
        } else if (arg == "--no-verify") {
            options.tls.verify = Verify::no;
        } else if (arg == "--queue") {
            options.max_queue_messages = std::stoul(value());
        } else if (arg == "--spool") {
            options.spool_directory = value();
        } else if (arg == "--records") {
            records = std::stoi(value());
        } else if (arg == "--hold-after") {
            hold_after = std::stoi(value());
        } else if (arg == "--paced") {
            paced_ms = std::stoi(value());
        } else if (arg == "--wait") {
            wait_seconds = std::stoi(value());
        } else if (arg == "--sync") {
            sync = value();
        } else if (arg == "--send-to") {
            send_to = value();
        } else if (arg == "--first") {
            first_record = std::stoi(value());
        } else {
            usage("unknown argument " + arg);
        }
    }
    if (!send_to.empty()) {
        // As a patient: netconsole's datagrams to a listener.
        const auto colon = send_to.rfind(':');
        try {
            const auto doctor = receive::SenderKey::from(IpAddress::parse(send_to.substr(0, colon)),
                                                         static_cast<std::uint16_t>(
                                                             std::stoi(send_to.substr(colon + 1))));
            const auto socket = UdpSocket::bind(std::nullopt, 6665);
            for (int i = first_record; i <= records; ++i) {
                for (const auto& datagram : datagrams_of(i)) {
                    if (!socket.send_to(doctor, datagram)) {
                        std::cerr << "ncs-forward-driver: cannot send to " << send_to << '\n';
                        return 1;
                    }
                }
            }
            return 0;
        } catch (const std::exception& error) {
            std::cerr << "ncs-forward-driver: " << error.what() << '\n';
            return 1;
        }
    }
    if (url.empty() || records <= 0 || (hold_after >= 0 && sync.empty())) {
        usage("give --url and --records (and --sync with --hold-after)");
    }
    try {
        options.url = forward::parse_forward_url(url);
        options.address = resolve_forward_target(options.url);
        options.max_backoff = std::chrono::milliseconds(400);
        Forwarder forwarder(options);
        receive::Receiver receiver;
        const auto stream = receive::SenderKey::from(IpAddress::v4({10, 1, 0, 2}), 6665)
                                .at(IpAddress::v4({10, 2, 0, 2}), 6667);
        std::uint64_t truncated = 0;
        auto submit = [&](int first, int last) {
            std::vector<receive::Record> out;
            for (int i = first; i <= last; ++i) {
                for (const auto& datagram : datagrams_of(i)) {
                    receiver.feed(stream, datagram, Clock::now(), out);
                }
            }
            for (const auto& record : out) {
                const auto message = forward::format_message(record, std::chrono::system_clock::now());
                truncated += message.truncated ? 1 : 0;
                forwarder.submit(message.text);
            }
        };
        auto drained = [&] {
            const auto stats = forwarder.stats();
            return stats.queued == 0 && stats.spool_bytes == 0;
        };
        const int first_part = hold_after >= 0 ? std::min(hold_after, records) : records;
        if (paced_ms > 0) {
            // One record every paced_ms, the forwarder polled in between: the test
            // restarts the target while records are in flight.
            for (int i = 1; i <= first_part; ++i) {
                submit(i, i);
                drive(forwarder, std::chrono::milliseconds(paced_ms), [] { return false; });
            }
        } else {
            submit(1, first_part);
        }
        bool ok = drive(forwarder, std::chrono::seconds(wait_seconds), drained);
        if (hold_after >= 0) {
            std::ofstream(sync / "held") << "held\n";
            // Keeps polling while the target goes away, so its close is seen.
            drive(forwarder, std::chrono::seconds(30),
                  [&] { return std::filesystem::exists(sync / "stopped"); });
            submit(first_part + 1, records);
            for (int k = 0; k < 5; ++k) {
                forwarder.poll(Clock::now()); // refused while the target is down
            }
            std::ofstream(sync / "queued") << "queued\n";
            drive(forwarder, std::chrono::seconds(30),
                  [&] { return std::filesystem::exists(sync / "go"); });
            ok = drive(forwarder, std::chrono::seconds(30), drained);
        }
        const auto stats = forwarder.stats();
        const auto received = receiver.stats();
        std::cout << "records=" << received.records << "\nsubmitted=" << stats.submitted
                  << "\nsent=" << stats.sent << "\ndropped=" << stats.dropped
                  << "\nspooled=" << stats.spooled << "\nresent=" << stats.resent
                  << "\nconnections=" << stats.connections << "\nfailures=" << stats.failures
                  << "\nqueued=" << stats.queued << "\ntruncated=" << truncated
                  << "\nlast_error=" << stats.last_error << "\ndrained=" << (ok ? 1 : 0) << '\n';
        return ok ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "ncs-forward-driver: " << error.what() << '\n';
        return 1;
    }
}
