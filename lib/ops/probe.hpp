#pragma once
// The `test` use case: a uniquely marked kernel message written to /dev/kmsg at a level
// the console lets through, then a wait, on the library's EventLoop with a deadline, for
// the acknowledgment a `listen` doctor sends back to the target's local address and
// port. Never prints: the caller is told when the message is out (to show the marker
// while it waits) and gets the outcome; every hint naming a command is the caller's.

#include "model/errors.hpp"
#include "model/ip_address.hpp"
#include "system/root.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::ops {

/// How `test` waits for a doctor's acknowledgment.
enum class AckWait {
    brief,    ///< half a second; none is no failure
    required, ///< up to the timeout; the caller fails without one
};

struct ProbeRequest {
    std::optional<std::string> target; ///< a configfs target that must exist and be enabled
    AckWait wait = AckWait::brief;
    std::chrono::milliseconds timeout{5000}; ///< how long a required wait lasts
};

/// What `test` wrote: the marker and the level of the line.
struct TestMessage {
    std::string marker;
    int level = 0;
};

/// Why a probe cannot go on; the caller phrases the advice.
class ProbeError : public OperationError {
public:
    enum class Kind {
        target_disabled,   ///< the named target is not enabled
        no_enabled_target, ///< a required wait, and no enabled target to wait on
    };
    ProbeError(Kind kind, const std::string& message);
    Kind kind() const noexcept { return m_kind; }

private:
    Kind m_kind;
};

/// What is known before the message goes out.
struct ProbeReady {
    std::vector<Warning> unable; ///< targets whose acknowledgment cannot be waited for
    bool waiting = false;        ///< a socket waits for an acknowledgment
    int console_loglevel = 0;    ///< from printk: 1 or less lets (almost) nothing through
};

struct Acknowledgment {
    std::string sender; ///< the doctor's address
    std::chrono::duration<double, std::milli> elapsed;
};

struct ProbeResult {
    TestMessage message;
    std::optional<Acknowledgment> ack;
    /// The first sender of the marker that is no target's doctor (anyone who saw the
    /// message can send it back: not the doctor's word).
    std::optional<std::string> stranger;
    std::vector<IpAddress> doctors;      ///< the remote_ip of the targets waited on
    std::chrono::milliseconds waited{0}; ///< the wait's length
    bool waiting = false;                ///< a socket waited
};

/// Told what a probe does as it goes.
class ProbeSink {
public:
    virtual ~ProbeSink() = default;
    /// The sockets are bound; the message goes out next.
    virtual void ready(const ProbeReady& ready) = 0;
    /// The message is out; the wait begins (show the marker to look for).
    virtual void sent(const TestMessage& message) = 0;
};

/// One `test`: checks its request when made, sends and waits in run().
class Probe {
public:
    /// Checks the named target (exists, enabled) under root. Throws InputError for a bad
    /// name, OperationError for a missing target, ProbeError (target_disabled).
    Probe(const Root& root, ProbeRequest request);
    /// Binds the targets' local ports (before sending, so a fast acknowledgment is not
    /// missed), tells sink, writes the message, tells sink, and waits. Throws ProbeError
    /// (no_enabled_target), OperationError (a required wait cannot bind), std::system_error.
    ProbeResult run(const LiveKernel& kernel, ProbeSink& sink) const;

private:
    const Root& m_root;
    ProbeRequest m_request;
};

/// Writes "<level>netconsole-setup: test message MARKER" to <root>/dev/kmsg, the level
/// chosen from <root>/proc/sys/kernel/printk; name (may be empty) goes into the marker.
/// Used by `test` and by the Debian compatible form. Throws std::system_error.
TestMessage send_test_message(const LiveKernel& kernel, const Root& root, std::string_view name);

} // namespace ncs::ops
