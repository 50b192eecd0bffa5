#pragma once
// Which Linux version added what netconsole shows or does: each fact written once
// here (shared/reference/kernel-netconsole.md), and the kernel version type. Pure.

#include <optional>
#include <string>
#include <string_view>

namespace ncs {

/// A kernel's major.minor version.
struct KernelVersion {
    int major = 0;
    int minor = 0;
    auto operator<=>(const KernelVersion&) const = default;
};

/// The version a release string starts with ("7.2.13+deb14-amd64" -> 7.2); nullopt
/// when it does not start with "<major>.<minor>".
std::optional<KernelVersion> parse_kernel_version(std::string_view release) noexcept;

/// "6.15".
std::string to_string(KernelVersion version);

/// "WHAT needs Linux X.Y or newer".
std::string needs_linux(std::string_view what, KernelVersion version);

/// The first Linux version with each netconsole feature or behaviour.
namespace added_in {
inline constexpr KernelVersion release{6, 6};          ///< `release` attribute, the 'r' flag
inline constexpr KernelVersion cmdline_adoption{6, 7}; ///< mkdir cmdlineN adopts a boot target
inline constexpr KernelVersion userdata{6, 9};         ///< `userdata/`
inline constexpr KernelVersion veth_refused{6, 12};    ///< veth/netkit refused (IFF_DISABLE_NETPOLL)
inline constexpr KernelVersion transmit_errors{6, 14}; ///< `transmit_errors`
inline constexpr KernelVersion sysdata{6, 15};         ///< cpu_nr, taskname, release switches
inline constexpr KernelVersion device_by_mac{6, 15};   ///< a MAC in the dev field of netconsole=
inline constexpr KernelVersion msgid{6, 17};           ///< the msgid sysdata switch
/// 220dbe3c76ed: a target whose device unregistered is set up again, once, when it returns.
inline constexpr KernelVersion resume_on_register{7, 0};
/// 7eab73b18630: netconsole is an nbcon console flagged CON_NBCON_ATOMIC_UNSAFE; in a panic
/// it is written only at the very end of vpanic(), after __crash_kexec() (kdump) and after
/// the kernel.panic delay and emergency_restart(). Before, printk() wrote it synchronously.
inline constexpr KernelVersion nbcon_netconsole{7, 0};
} // namespace added_in

} // namespace ncs
