#include "listen.hpp"

#include "listen_format.hpp"
#include "receive/ack.hpp"
#include "receive/allow.hpp"
#include "receive/receiver.hpp"
#include "system/systemd.hpp"
#include "system/udp.hpp"
#include "target_options.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <system_error>
#include <unordered_map>

#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Receive netconsole (the doctor's side): reassemble, count losses, acknowledge tests";

constexpr const char* k_examples = R"(Examples:
  # every address, port 6666, text lines on stdout
  netconsole-setup listen
  # two ports, only the 10.1.0.0/16 senders, one JSON object per record
  netconsole-setup listen --port 6666 --port 6667 --allow 10.1.0.0/16 --json
  # one file per sender (reopened on SIGHUP), and the systemd journal
  netconsole-setup listen --output /var/log/netconsole --journal

SIGINT or SIGTERM stops it with a summary on stderr; SIGUSR1 prints the summary.
From netconsole-setup-listen.socket it uses the sockets systemd passes.)";

/// Socket buffer asked for: a second of 100,000 records/s of kernel datagrams.
constexpr std::size_t k_receive_buffer = std::size_t{64} << 20;
/// The largest UDP payload (IPv6 without jumbograms: 65,535 - 8), rounded up.
constexpr std::size_t k_max_datagram = 65536;
/// Open per-sender files kept; more senders close the lot and reopen on demand.
constexpr std::size_t k_max_open_files = 512;
/// Senders whose unwritten records are counted by name; the rest as "other".
constexpr std::size_t k_max_counted_senders = 4096;

/// Blocks the signals `listen` handles and reads them from a signalfd instead.
class SignalFd {
public:
    SignalFd() {
        sigemptyset(&m_set);
        for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) {
            sigaddset(&m_set, signal);
        }
        if (::sigprocmask(SIG_BLOCK, &m_set, &m_old) != 0) {
            throw std::system_error(errno, std::generic_category(), "sigprocmask");
        }
        // A shell starts background jobs with SIGINT ignored; an ignored signal is
        // discarded before it could wait in the signalfd, so take the default
        // (harmless: the signals are blocked now).
        for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGUSR1}) {
            m_old_handlers.emplace_back(signal, std::signal(signal, SIG_DFL));
        }
        m_fd = ::signalfd(-1, &m_set, SFD_NONBLOCK | SFD_CLOEXEC);
        if (m_fd < 0) {
            throw std::system_error(errno, std::generic_category(), "signalfd");
        }
        // A closed stdout (`listen | head`) ends the loop through EPIPE, not a signal.
        m_old_pipe = std::signal(SIGPIPE, SIG_IGN);
    }
    ~SignalFd() {
        ::close(m_fd);
        for (const auto& [signal, handler] : m_old_handlers) {
            std::signal(signal, handler);
        }
        ::sigprocmask(SIG_SETMASK, &m_old, nullptr);
        std::signal(SIGPIPE, m_old_pipe);
    }
    SignalFd(const SignalFd&) = delete;
    SignalFd& operator=(const SignalFd&) = delete;
    int fd() const { return m_fd; }
    /// The next pending signal, or 0.
    int next() const {
        signalfd_siginfo info{};
        if (::read(m_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) {
            return 0;
        }
        return static_cast<int>(info.ssi_signo);
    }

private:
    sigset_t m_set{};
    sigset_t m_old{};
    int m_fd = -1;
    void (*m_old_pipe)(int) = SIG_DFL;
    std::vector<std::pair<int, void (*)(int)>> m_old_handlers;
};

/// Warnings about --output files: each file's trouble said once per episode, but at
/// most k_burst in a minute over all files (thousands of senders on a full disk).
class WarningLimiter {
public:
    static constexpr int k_burst = 10;

    /// Whether one more may be said now; the first refused in a minute is said as a
    /// summary through output.
    bool allow(Output& output) {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_window >= std::chrono::minutes(1)) {
            m_window = now;
            m_said = 0;
        }
        if (m_said < k_burst) {
            ++m_said;
            return true;
        }
        if (m_said == k_burst) {
            ++m_said;
            output.warning({"more --output files cannot be written; not said for each one",
                            "the summary counts what was not written, per sender"});
        }
        return false;
    }

private:
    std::chrono::steady_clock::time_point m_window{};
    int m_said = 0;
};

/// --output DIR: one append-only file per sender address, buffered per batch. Only
/// whole records reach a file: a write cut short (a full disk) is truncated back to
/// the last whole record, or else the next record starts on a new line; records not
/// written are counted per sender, and each file's failure and recovery are said.
class SenderFiles {
public:
    SenderFiles(std::filesystem::path directory, Output& output, std::uint64_t& unwritten)
        : m_directory(std::move(directory)), m_output(output), m_unwritten(unwritten) {}
    ~SenderFiles() { close_all(); }
    SenderFiles(const SenderFiles&) = delete;
    SenderFiles& operator=(const SenderFiles&) = delete;

    /// Queues one record's lines (each ending in a newline) for sender's file.
    void add(const std::string& sender, std::string_view lines) {
        auto& file = m_files[sender];
        file.buffer += lines;
        file.ends.push_back(file.buffer.size());
    }

    void flush() {
        for (auto& [sender, file] : m_files) {
            if (!file.ends.empty()) {
                flush(sender, file);
            }
        }
    }

    /// SIGHUP: logrotate moved the files; the next write opens new ones.
    void close_all() {
        flush();
        close_descriptors();
        for (auto it = m_files.begin(); it != m_files.end();) {
            it = it->second.error == 0 ? m_files.erase(it) : std::next(it);
        }
    }

    /// Records not written, per sender (those that had some).
    const std::map<std::string, std::uint64_t>& unwritten_by_sender() const {
        return m_unwritten_by_sender;
    }

private:
    struct File {
        int fd = -1;
        std::string buffer;
        std::vector<std::size_t> ends; ///< where each queued record ends in buffer
        bool torn = false;             ///< the file ends inside a line
        int error = 0;                 ///< the failure said; 0 while writing works
        std::uint64_t unwritten = 0;   ///< since the failure began
    };

    std::filesystem::path path_of(const std::string& sender) const {
        return m_directory / (sender + ".log");
    }

    void flush(const std::string& sender, File& file) {
        if (file.fd < 0) {
            if (m_open >= k_max_open_files) {
                close_descriptors();
            }
            // O_NONBLOCK: a FIFO put there never blocks the listener (a regular
            // file ignores the flag); O_NOFOLLOW: a planted symlink is refused.
            file.fd = ::open(path_of(sender).c_str(),
                             O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
                                 O_NONBLOCK,
                             0640);
            if (file.fd < 0) {
                fail(sender, file, errno, file.ends.size());
                return;
            }
            ++m_open;
        }
        if (file.torn) {
            // A record cut short that could not be taken back: end its line, so the
            // next record is a line of its own.
            if (!write_all(file.fd, "\n").second) {
                fail(sender, file, errno, file.ends.size());
                return;
            }
            file.torn = false;
        }
        const auto [written, ok] = write_all(file.fd, file.buffer);
        const int error = errno;
        const auto whole = static_cast<std::size_t>(
            std::upper_bound(file.ends.begin(), file.ends.end(), written) - file.ends.begin());
        const std::size_t kept = whole == 0 ? 0 : file.ends[whole - 1];
        if (written > kept && !take_back(file.fd, written - kept)) {
            file.torn = true;
        }
        if (!ok) {
            fail(sender, file, error, file.ends.size() - whole);
        } else if (file.error != 0) {
            if (m_limiter.allow(m_output)) {
                m_output.note(fmt::format("writing {} again; {} record{} of {} {} not written to it",
                                          path_of(sender).string(), file.unwritten,
                                          file.unwritten == 1 ? "" : "s", sender,
                                          file.unwritten == 1 ? "was" : "were"));
            }
            file.error = 0;
            file.unwritten = 0;
        }
        file.buffer.clear();
        file.ends.clear();
    }

    /// Writes text; returns the bytes written and whether all were (errno kept).
    static std::pair<std::size_t, bool> write_all(int fd, std::string_view text) {
        std::size_t done = 0;
        while (done < text.size()) {
            const auto written = ::write(fd, text.data() + done, text.size() - done);
            if (written < 0 && errno == EINTR) {
                continue;
            }
            if (written <= 0) {
                if (written == 0) {
                    errno = EIO;
                }
                return {done, false};
            }
            done += static_cast<std::size_t>(written);
        }
        return {done, true};
    }

    /// Truncates the last bytes of a regular file off again; false when it cannot.
    static bool take_back(int fd, std::size_t bytes) {
        struct stat status {};
        if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) ||
            static_cast<std::size_t>(status.st_size) < bytes) {
            return false;
        }
        return ::ftruncate(fd, status.st_size - static_cast<off_t>(bytes)) == 0;
    }

    void fail(const std::string& sender, File& file, int error, std::size_t records) {
        m_unwritten += records;
        file.unwritten += records;
        // Bounded as the receiver's table of senders: a flood of spoofed senders
        // on a full disk adds up under "other".
        const bool known = m_unwritten_by_sender.count(sender) != 0;
        m_unwritten_by_sender[known || m_unwritten_by_sender.size() < k_max_counted_senders
                                  ? sender
                                  : std::string("other")] += records;
        file.buffer.clear();
        file.ends.clear();
        if (error == file.error) {
            return;
        }
        file.error = error;
        if (m_limiter.allow(m_output)) {
            m_output.warning({fmt::format("cannot write {}: {}", path_of(sender).string(),
                                          std::generic_category().message(error)),
                              "records of this sender are counted as unwritten until writing "
                              "works again"});
        }
    }

    void close_descriptors() {
        for (auto& [sender, file] : m_files) {
            if (file.fd >= 0) {
                ::close(file.fd);
                file.fd = -1;
            }
        }
        m_open = 0;
    }

    std::filesystem::path m_directory;
    Output& m_output;
    std::uint64_t& m_unwritten;
    std::unordered_map<std::string, File> m_files;
    std::map<std::string, std::uint64_t> m_unwritten_by_sender;
    WarningLimiter m_limiter;
    std::size_t m_open = 0;
};

/// --journal: every record to journald. A failure is said once per cause (errno)
/// with a hint, the records it did not take are counted, and its return is noted.
class JournalSink {
public:
    JournalSink(Journal journal, Output& output, std::uint64_t& unwritten)
        : m_journal(std::move(journal)), m_output(output), m_unwritten(unwritten) {}

    void send(const receive::Record& record) {
        try {
            // Once failing, do not wait on each record: a stopped journald would
            // stall receiving.
            m_journal.send(journal_fields(record),
                           m_error != 0 ? Journal::Wait::no : Journal::Wait::briefly);
        } catch (const std::system_error& e) {
            ++m_unwritten;
            ++m_unwritten_here;
            report(e.code().value());
            return;
        }
        if (m_error != 0) {
            m_output.note(fmt::format("the journal takes records again; {} record{} not "
                                      "delivered to it meanwhile",
                                      m_unwritten_here, m_unwritten_here == 1 ? " was" : "s were"));
            m_error = 0;
            m_unwritten_here = 0;
        }
    }

private:
    void report(int error) {
        if (error == m_error) {
            return;
        }
        m_error = error;
        const char* name = ::strerrorname_np(error);
        std::string hint;
        switch (error) {
        case ENOENT:
            hint = fmt::format("no {}: is systemd-journald running? Records are counted as "
                               "unwritten until it takes them",
                               Journal::path());
            break;
        case ECONNREFUSED:
            hint = "systemd-journald is stopped or restarting; records are counted as unwritten "
                   "until it takes them";
            break;
        case EAGAIN:
            hint = "systemd-journald is not keeping up; records it cannot take are counted as "
                   "unwritten";
            break;
        default:
            hint = "records it does not take are counted as unwritten; sending goes on";
        }
        m_output.warning({fmt::format("the journal does not take records: {} ({})",
                                      std::generic_category().message(error),
                                      name != nullptr ? name : std::to_string(error)),
                          hint});
    }

    Journal m_journal;
    Output& m_output;
    std::uint64_t& m_unwritten;
    std::uint64_t m_unwritten_here = 0; ///< since the failure began
    int m_error = 0;                    ///< the failure said, 0 while the journal takes records
};

struct Sinks {
    bool json = false;
    std::optional<JournalSink> journal;
    std::unique_ptr<SenderFiles> files;
    std::string stdout_buffer;
    std::string scratch; ///< one record on its way to a file
    std::unordered_map<std::uint32_t, std::string> interfaces; ///< scope id -> name

    /// A sender's file name: its address, with the interface's name (not its
    /// number) for a link-local sender, as one writes the zone.
    std::string file_name(const receive::SenderKey& sender) {
        if (sender.v4 || sender.scope == 0) {
            return sender.address_text();
        }
        auto found = interfaces.find(sender.scope);
        if (found == interfaces.end()) {
            found = interfaces.emplace(sender.scope, interface_name(sender.scope)).first;
        }
        return sender.ip().to_string() + "%" + found->second;
    }
};

void write_record(Sinks& sinks, const receive::Record& record,
                  std::chrono::system_clock::time_point received) {
    if (sinks.files || !sinks.journal) {
        std::string& target = sinks.files ? sinks.scratch : sinks.stdout_buffer;
        if (sinks.json) {
            target += dump_line(record_json(record, received));
            target += '\n';
        } else {
            append_text_line(target, record);
        }
        if (sinks.files) {
            sinks.files->add(sinks.file_name(record.sender), sinks.scratch);
            sinks.scratch.clear();
        }
    }
    if (sinks.journal) {
        sinks.journal->send(record);
    }
}

std::vector<UdpSocket> open_sockets(const ListenOptions& options) {
    if (socket_activated()) {
        if (!options.ports.empty() || options.address) {
            throw InputError("--port and --address do not apply to sockets systemd passes",
                             "set ListenDatagram= in netconsole-setup-listen.socket instead");
        }
        return activated_sockets();
    }
    std::optional<IpAddress> address;
    if (options.address) {
        address = IpAddress::parse(*options.address);
        if (address->is_v4_mapped()) {
            throw InputError(fmt::format("--address {} is an IPv4-mapped IPv6 address, which "
                                         "no socket can be bound to",
                                         *options.address),
                             fmt::format("write the IPv4 address: --address {}",
                                         address->mapped_v4()));
        }
    }
    std::vector<std::uint16_t> ports;
    for (const auto& text : options.ports) {
        ports.push_back(parse_port(text, "--port"));
    }
    if (ports.empty()) {
        ports.push_back(k_default_remote_port);
    }
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    std::vector<UdpSocket> sockets;
    for (const auto port : ports) {
        sockets.push_back(UdpSocket::bind(address, port, k_receive_buffer));
    }
    return sockets;
}

} // namespace

Command setup_listen(CLI::App& app) {
    auto options = std::make_shared<ListenOptions>();
    auto* listen = app.add_subcommand("listen", k_description);
    listen->add_option("--port", options->ports, "UDP port to receive on (repeatable; default 6666)")
        ->type_name("N");
    listen->add_option("--address", options->address,
                       "Receive only on this local address (default: all, IPv4 and IPv6)")
        ->type_name("ADDR");
    listen->add_option("--allow", options->allow,
                       "Accept (and acknowledge) only senders in this network (repeatable)")
        ->type_name("CIDR");
    listen->add_option("--output", options->output,
                       "Append each sender's records to DIR/ADDRESS.log instead of stdout")
        ->type_name("DIR");
    listen->add_flag("--journal", options->journal, "Send each record to the systemd journal");
    listen->footer(k_examples);
    return {listen, [options](const Context& c) { run_listen(*options, c); }};
}

void run_listen(const ListenOptions& options, const Context& context) {
    std::vector<receive::Cidr> allow;
    for (const auto& text : options.allow) {
        auto cidr = receive::Cidr::parse(text);
        if (!cidr.network.zone().empty()) {
            cidr.scope = scope_id(cidr.network); // as --address takes a zone
        }
        allow.push_back(cidr);
    }
    Sinks sinks;
    sinks.json = context.global.json;
    ListenCounts counts;
    if (options.output) {
        std::error_code ec;
        if (!std::filesystem::is_directory(*options.output, ec)) {
            throw InputError(fmt::format("--output '{}' is not a directory", *options.output),
                             "create it first; each sender gets one file in it");
        }
        sinks.files = std::make_unique<SenderFiles>(*options.output, context.output,
                                                    counts.unwritten_files);
    }
    if (options.journal) {
        sinks.journal.emplace(Journal::open(), context.output, counts.unwritten_journal);
    }
    const auto sockets = open_sockets(options);
    SignalFd signals;

    receive::Receiver receiver;
    // Room for the largest UDP payload: no datagram is ever cut (an unfragmented
    // record of 5,000 bytes is whole); 64 x 64 KiB, allocated once.
    DatagramBatch batch(64, k_max_datagram);
    std::vector<receive::Record> records;
    std::vector<pollfd> polled;
    for (const auto& socket : sockets) {
        polled.push_back({socket.fd(), POLLIN, 0});
    }
    polled.push_back({signals.fd(), POLLIN, 0});

    auto& out = context.output.result();
    auto print_summary = [&] {
        const auto stats = receiver.stats();
        auto& status = context.output.status();
        status << summary_line(stats, counts) << '\n';
        if (context.global.json) {
            auto json = summary_json(stats, counts);
            if (sinks.files) {
                json["unwritten_by_sender"] = sinks.files->unwritten_by_sender();
            }
            status << dump_line(json) << '\n';
        }
        status.flush();
    };
    // Returns false when stdout is gone.
    auto deliver = [&](std::chrono::system_clock::time_point received) {
        for (const auto& record : records) {
            write_record(sinks, record, received);
        }
        records.clear();
        if (!sinks.stdout_buffer.empty()) {
            out.write(sinks.stdout_buffer.data(),
                      static_cast<std::streamsize>(sinks.stdout_buffer.size()));
            out.flush();
            sinks.stdout_buffer.clear();
        }
        if (sinks.files) {
            sinks.files->flush();
        }
        return static_cast<bool>(out);
    };

    auto last_expire = receive::Receiver::Clock::now();
    bool running = true;
    while (running) {
        const int ready = ::poll(polled.data(), polled.size(), 250);
        if (ready < 0 && errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "poll");
        }
        const auto now = receive::Receiver::Clock::now();
        const auto wall = std::chrono::system_clock::now();
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            if ((polled[i].revents & POLLIN) == 0) {
                continue;
            }
            // Drain a while, but let the other sockets and the signals have a turn.
            for (int round = 0; round < 64; ++round) {
                const auto received = batch.receive(sockets[i]);
                for (std::size_t d = 0; d < received; ++d) {
                    const auto sender = batch.sender(d);
                    if (!receive::allowed(allow, sender)) {
                        ++counts.refused;
                        continue;
                    }
                    if (batch.truncated(d)) {
                        ++counts.truncated;
                    }
                    const auto first = records.size();
                    receiver.feed(sender, batch.payload(d), now, records);
                    for (auto r = first; r < records.size(); ++r) {
                        const auto reply = receive::ack_reply(records[r]);
                        if (reply && receiver.take_ack_token(sender, now) &&
                            sockets[i].send_to(sender, *reply, batch.destination(d))) {
                            ++counts.acknowledged;
                        }
                    }
                }
                if (!deliver(wall)) {
                    running = false;
                    break;
                }
                if (received < 64) {
                    break;
                }
            }
        }
        if (now - last_expire >= std::chrono::milliseconds(250)) {
            receiver.expire(now, records);
            last_expire = now;
            if (!deliver(wall)) {
                running = false;
            }
        }
        if ((polled.back().revents & POLLIN) != 0) {
            for (int signal = signals.next(); signal != 0; signal = signals.next()) {
                if (signal == SIGINT || signal == SIGTERM) {
                    running = false;
                } else if (signal == SIGUSR1) {
                    print_summary();
                } else if (signal == SIGHUP && sinks.files) {
                    sinks.files->close_all();
                }
            }
        }
    }
    receiver.flush(records);
    deliver(std::chrono::system_clock::now());
    print_summary();
}

} // namespace ncs::cli
