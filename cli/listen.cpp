#include "listen.hpp"

#include "listen_format.hpp"
#include "ops/listen.hpp"
#include "options.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <ostream>
#include <system_error>

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
  # a fleet: 4 receiving threads, every record to rsyslog over TLS as RFC 5424
  netconsole-setup listen --workers 4 --output /var/log/netconsole \
      --forward tls://logs.example.net --forward-ca /etc/ssl/logs-ca.pem

SIGINT or SIGTERM stops it with a summary on stderr; SIGUSR1 prints the summary.
From netconsole-setup-listen.socket it uses the sockets systemd passes.)";

/// Warnings about --output files: each file's trouble is said once per episode (the
/// library's events), but at most k_burst in a minute over all files (thousands of
/// senders on a full disk).
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

/// "No such file or directory (ENOENT)".
std::string errno_text(int error) {
    const char* name = ::strerrorname_np(error);
    return fmt::format("{} ({})", std::generic_category().message(error),
                       name != nullptr ? name : std::to_string(error));
}

/// Why the journal does not take records, and what happens meanwhile.
std::string journal_hint(const ops::ListenEvent& event) {
    switch (event.error) {
    case ENOENT:
        return fmt::format("no {}: is systemd-journald running? Records are counted as "
                           "unwritten until it takes them",
                           event.path.string());
    case ECONNREFUSED:
        return "systemd-journald is stopped or restarting; records are counted as unwritten "
               "until it takes them";
    case EAGAIN:
        return "systemd-journald is not keeping up; records it cannot take are counted as "
               "unwritten";
    default:
        return "records it does not take are counted as unwritten; sending goes on";
    }
}

/// listen's records and events as text or JSON: records on stdout (or in the files,
/// rendered the same), events and summaries on stderr.
class CliListenSink : public ops::ListenSink {
public:
    explicit CliListenSink(const Context& context) : m_context(context) {}

    void render(const receive::Record& record, std::chrono::system_clock::time_point received,
                std::string& out) override {
        if (m_context.global.json) {
            out += dump_line(record_json(record, received));
            out += '\n';
        } else {
            append_text_line(out, record);
        }
    }
    std::vector<std::string> journal_entry(const receive::Record& record) override {
        return journal_fields(record);
    }
    bool write(std::string_view lines) override {
        auto& out = m_context.output.result();
        out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
        out.flush();
        return static_cast<bool>(out);
    }
    void event(const ops::ListenEvent& event) override {
        using ListenEvent = ops::ListenEvent;
        auto& output = m_context.output;
        // Output::warning and note escape what they print (printable()).
        const auto path = event.path.string();
        switch (event.kind) {
        case ListenEvent::Kind::file_failed:
            if (m_limiter.allow(output)) {
                output.warning({fmt::format("cannot write {}: {}", path,
                                            std::generic_category().message(event.error)),
                                "records of this sender are counted as unwritten until writing "
                                "works again"});
            }
            break;
        case ListenEvent::Kind::file_resumed:
            if (m_limiter.allow(output)) {
                output.note(fmt::format("writing {} again; {} record{} of {} {} not written to it",
                                        path, event.count, event.count == 1 ? "" : "s",
                                        event.sender,
                                        event.count == 1 ? "was" : "were"));
            }
            break;
        case ListenEvent::Kind::journal_failed:
            output.warning({fmt::format("the journal does not take records: {}",
                                        errno_text(event.error)),
                            journal_hint(event)});
            break;
        case ListenEvent::Kind::journal_resumed:
            output.note(fmt::format("the journal takes records again; {} record{} not "
                                    "delivered to it meanwhile",
                                    event.count, event.count == 1 ? " was" : "s were"));
            break;
        case ListenEvent::Kind::forward_failed:
            output.warning({fmt::format("cannot forward to {}: {}", event.target, event.detail),
                            "records wait in its queue (--forward-queue, --forward-spool) and go "
                            "out in order once it is back; beyond, they are dropped and counted"});
            break;
        case ListenEvent::Kind::forward_resumed:
            output.note(fmt::format("forwarding to {} again; {} record{} queued", event.target,
                                    event.count, event.count == 1 ? "" : "s"));
            break;
        case ListenEvent::Kind::forward_dropping:
            output.warning({fmt::format("the queue for {} is full: records are dropped ({} so far)",
                                        event.target, event.count),
                            "the summary counts them; a larger --forward-queue or a "
                            "--forward-spool directory holds more"});
            break;
        case ListenEvent::Kind::fewer_workers:
            output.note(fmt::format("{} worker{}: one per socket systemd passes (see "
                                    "--workers in the man page)",
                                    event.count, event.count == 1 ? "" : "s"));
            break;
        }
    }
    void summary(const ops::ListenSummary& summary) override {
        auto& status = m_context.output.status();
        status << summary_line(summary.stats, summary.counts) << '\n';
        for (const auto& line : stream_lines(summary.streams)) {
            status << line << '\n';
        }
        for (const auto& forward : summary.forwards) {
            status << forward_line(forward) << '\n';
        }
        if (m_context.global.json) {
            auto json = summary_json(summary.stats, summary.counts);
            if (m_files) {
                json["unwritten_by_sender"] = summary.unwritten_by_sender;
            }
            json["workers"] = summary.workers;
            json["streams"] = Json::array();
            for (const auto& stream : summary.streams) {
                json["streams"].push_back(stream_json(stream));
            }
            json["forwards"] = Json::array();
            for (const auto& forward : summary.forwards) {
                json["forwards"].push_back(forward_json(forward));
            }
            status << dump_line(json) << '\n';
        }
        status.flush();
    }
    /// Whether the summary has unwritten_by_sender (--output).
    void with_files() { m_files = true; }

private:
    const Context& m_context;
    WarningLimiter m_limiter;
    bool m_files = false;
};

/// The request from the options: every value parsed here, once.
ops::ListenRequest listen_request(const ListenOptions& options) {
    ops::ListenRequest request;
    for (const auto& text : options.ports) {
        request.ports.push_back(parse_port(text, "--port"));
    }
    if (options.address) {
        auto address = IpAddress::parse(*options.address);
        if (address.is_v4_mapped()) {
            throw InputError(fmt::format("--address {} is an IPv4-mapped IPv6 address, which "
                                         "no socket can be bound to",
                                         *options.address),
                             fmt::format("write the IPv4 address: --address {}",
                                         address.mapped_v4()));
        }
        request.address = std::move(address);
    }
    for (const auto& text : options.allow) {
        request.allow.push_back(receive::Cidr::parse(text));
    }
    if (options.output) {
        request.output = *options.output;
    }
    request.journal = options.journal ? ops::JournalOutput::yes : ops::JournalOutput::no;
    if (options.workers) {
        request.workers = parse_count(*options.workers, "--workers");
    }
    request.forward = options.forward;
    auto& forward = request.forward_settings;
    forward.tls.ca_file = options.forward_ca.value_or("");
    forward.tls.cert_file = options.forward_cert.value_or("");
    forward.tls.key_file = options.forward_key.value_or("");
    forward.tls.verify = options.forward_no_verify ? Verify::no : Verify::yes;
    if (options.forward_queue) {
        forward.max_queue_messages = parse_count(*options.forward_queue, "--forward-queue");
    }
    if (options.forward_spool) {
        forward.spool = *options.forward_spool;
    }
    return request;
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
                       "Append each stream's records to DIR/ADDRESS@PORT.log (PORT: the doctor's) instead of stdout")
        ->type_name("DIR");
    listen->add_flag("--journal", options->journal, "Send each record to the systemd journal");
    listen->add_option("--workers", options->workers,
                       "Receiving threads, one SO_REUSEPORT socket each per port (default: one "
                       "per core, at most 4)")
        ->type_name("N");
    listen->add_option("--forward", options->forward,
                       "Also hand every record on as RFC 5424 syslog to udp://, tcp:// or "
                       "tls://HOST[:PORT] (repeatable)")
        ->type_name("URL");
    listen->add_option("--forward-ca", options->forward_ca,
                       "CA certificates (PEM) a tls:// target is checked against (default: the "
                       "system's)")
        ->type_name("FILE");
    listen->add_option("--forward-cert", options->forward_cert,
                       "Client certificate (PEM) for tls:// targets")
        ->type_name("FILE");
    listen->add_option("--forward-key", options->forward_key,
                       "The client certificate's key (PEM)")
        ->type_name("FILE");
    listen->add_flag("--forward-no-verify", options->forward_no_verify,
                     "Do not check a tls:// target's certificate (testing only)");
    listen->add_option("--forward-queue", options->forward_queue,
                       "Records each forward target may hold in memory while it is down "
                       "(default 100000)")
        ->type_name("N");
    listen->add_option("--forward-spool", options->forward_spool,
                       "Beyond the queue, keep records in a file per target in DIR")
        ->type_name("DIR");
    listen->footer(k_examples);
    return {listen, [options](const Context& c) { run_listen(*options, c); }};
}

void run_listen(const ListenOptions& options, const Context& context) {
    const auto request = listen_request(options);
    CliListenSink sink(context);
    if (request.output) {
        sink.with_files();
    }
    const auto summary = ops::listen(request, sink);
    sink.summary(summary);
}

} // namespace ncs::cli
