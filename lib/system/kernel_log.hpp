#pragma once
// What the kernel log says netconsole did to a device: the lines netconsole
// and netpoll print when a target is set up on a device and when the kernel
// stops one ("network logging stopped on interface X as it unregistered",
// the same words from 6.1 to 7.x). Read from <root>/dev/kmsg; the parsing is pure.
// Writing a record there too (the `test` message).

#include "system/root.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ncs {

/// Why the kernel stopped network logging on a device.
enum class StopReason {
    unregistered,    ///< NETDEV_UNREGISTER: driver unloaded, device removed
    joined_master,   ///< NETDEV_JOIN: enslaved to a bond or bridge
    released_slaves, ///< NETDEV_RELEASE: a bond releasing its slaves
};

/// For each device named in netconsole's lines of log: the reason of the last
/// stop, or nullopt when a setup on it ("interface 'X'", "interface name 'X'") or
/// a resume (7.0+) came after. log holds /dev/kmsg records ("6,12,34,-;text") or
/// plain dmesg lines, one per line.
std::map<std::string, std::optional<StopReason>> netconsole_device_events(std::string_view log);

/// The kernel log as <root>/dev/kmsg gives it (every record still in the ring
/// buffer); nullopt when it cannot be read (no such file, no CAP_SYSLOG).
std::optional<std::string> read_kernel_log(const Root& root);

/// Writes one record ("<level>text\n") to the running kernel's log through
/// <root>/dev/kmsg, in a single write(2) (/dev/kmsg takes one record per write).
/// Throws std::system_error. Acts on the running kernel: needs a LiveKernel.
void write_kernel_log(const LiveKernel& kernel, const Root& root, std::string_view record);

} // namespace ncs
