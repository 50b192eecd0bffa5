#pragma once
// `listen`: the doctor's side. Receives netconsole on UDP (dual stack, several
// ports, or sockets from a systemd .socket unit), reassembles and tracks
// records per sender, writes them as text, JSON, per-sender files or to the
// journal, and acknowledges `test` markers.

#include "context.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ncs::cli {

struct ListenOptions {
    std::vector<std::string> ports;     ///< as given (parse_port); default 6666
    std::optional<std::string> address; ///< default: every address, both families
    std::vector<std::string> allow;     ///< CIDRs; empty: everyone
    std::optional<std::string> output;  ///< a directory: one file per sender
    bool journal = false;
    std::optional<std::string> workers;  ///< as given; default ops::default_workers()
    std::vector<std::string> forward;    ///< forward URLs (repeatable)
    std::optional<std::string> forward_ca;
    std::optional<std::string> forward_cert;
    std::optional<std::string> forward_key;
    bool forward_no_verify = false;
    std::optional<std::string> forward_queue; ///< messages per target in memory
    std::optional<std::string> forward_spool; ///< a directory
};

/// Registers `listen` on app.
Command setup_listen(CLI::App& app);

/// Runs until SIGINT or SIGTERM; prints the summary on stderr. Throws InputError
/// for bad options, std::system_error when a socket cannot be bound.
void run_listen(const ListenOptions& options, const Context& context);

} // namespace ncs::cli
