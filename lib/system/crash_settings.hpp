#pragma once
// What the host does when it crashes, read under a Root: kernel.panic,
// kernel.panic_on_oops, a loaded crash kernel, netconsole's oops_only, the kernel
// version, and the watchdogs that could reboot a host that stays down; and setting
// kernel.panic on the running kernel.

#include "model/crash_delivery.hpp"
#include "system/root.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs {

inline constexpr std::string_view k_panic_path = "/proc/sys/kernel/panic";
inline constexpr std::string_view k_panic_on_oops_path = "/proc/sys/kernel/panic_on_oops";
inline constexpr std::string_view k_crash_loaded_path = "/sys/kernel/kexec_crash_loaded";
inline constexpr std::string_view k_oops_only_path = "/sys/module/netconsole/parameters/oops_only";

/// A sysctl's integer as the kernel prints it ("10\n", "-1\n"); nullopt for anything else,
/// or a value outside int (what the kernel's proc_dointvec holds).
std::optional<int> parse_sysctl_int(std::string_view text);

/// Reads every fact of CrashSettings under root. Never throws: a fact that cannot be read
/// (unreadable, not a regular file, not an integer) is nullopt; an absent
/// kexec_crash_loaded (a kernel without kexec) and an absent oops_only (netconsole not
/// loaded, so at its default) are false. The kernel: kernel_release_of(root).
CrashSettings read_crash_settings(const Root& root);

/// One watchdog device of <root>/sys/class/watchdog.
struct Watchdog {
    std::string name;     ///< "watchdog0"
    std::string identity; ///< its driver's name for it, "i6300ESB timer"; empty when unreadable
    bool operator==(const Watchdog&) const = default;
};

/// softdog's identity: a timer in the kernel that is not fired in a panicked kernel.
inline constexpr std::string_view k_softdog_identity = "Software Watchdog";

/// Whether w can reboot a panicked host: it is not softdog (measured: softdog never fired
/// within 60 s of a panic on 6.1, 6.12 or 7.2) and says what it is.
bool is_hardware_watchdog(const Watchdog& w);

/// The watchdogs under <root>/sys/class/watchdog ("watchdog*"), sorted; empty when there
/// is none. Never throws: an unreadable identity stays empty.
std::vector<Watchdog> read_watchdogs(const Root& root);

/// Writes kernel.panic on the running kernel (/proc/sys/kernel/panic, one write).
/// Throws OperationError when not allowed (needs root), std::system_error otherwise.
void set_panic_timeout(const LiveKernel& kernel, const Root& root, int seconds);

} // namespace ncs
