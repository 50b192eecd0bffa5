#pragma once
// What makes netconsole survive a reboot, built as text: the kernel
// command-line fragment, and the contents of the files the tool owns in
// modprobe.d, modules-load.d, sysctl.d and grub.d. Pure: no I/O.
// Spec: shared/reference/kernel-netconsole.md §1.1 and §1.8.

#include "model/target.hpp"

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ncs::persist {

/// How netconsole is built for the kernel that will boot.
enum class Build { builtin, module };

/// The first line of every file the tool writes (the second of a script, after its
/// "#!" line); a file is the tool's when that line is this one.
inline constexpr std::string_view k_owner_line = "# Managed by netconsole-setup.";

/// The system paths of the files the tool owns.
inline constexpr std::string_view k_modprobe_path = "/etc/modprobe.d/netconsole.conf";
inline constexpr std::string_view k_modules_load_path = "/etc/modules-load.d/netconsole.conf";
/// After procps' and Debian's 10-*.conf, before a local 99-*.conf.
inline constexpr std::string_view k_sysctl_path = "/etc/sysctl.d/90-netconsole.conf";
inline constexpr std::string_view k_grub_path = "/etc/default/grub.d/netconsole.cfg";
/// initramfs-tools' list of modules to put in the image: the administrator's (a conffile
/// of initramfs-tools, which Debian ships with comments only). Earlier versions of the
/// tool wrote it; it now only removes that file of its own.
inline constexpr std::string_view k_initramfs_tools_modules_path = "/etc/initramfs-tools/modules";
/// The tool's own initramfs-tools hook (man initramfs-tools, HOOK SCRIPTS): mkinitramfs
/// runs every executable in /etc/initramfs-tools/hooks, which belongs to no package.
inline constexpr std::string_view k_initramfs_tools_hook_path =
    "/etc/initramfs-tools/hooks/netconsole-setup";
/// dracut's drop-in directory (man dracut.conf).
inline constexpr std::string_view k_dracut_conf_path = "/etc/dracut.conf.d/90-netconsole-setup.conf";
/// systemd's manager settings drop-in (man systemd-system.conf).
inline constexpr std::string_view k_system_conf_path =
    "/etc/systemd/system.conf.d/90-netconsole-setup.conf";

/// Whether the tool wrote this file content (its first line, or its second after a "#!"
/// line, is k_owner_line).
bool is_owned(std::string_view content);

/// name=value for the kernel's parser (next_arg) and kmod, which split at white
/// space unless it is inside double quotes: name="value" when value holds white
/// space. Throws InputError when value holds a double quote (an unbalanced quote
/// would swallow the rest of the command line), a control character, or is longer
/// than 255 characters (the kernel's limit for netconsole's buffer).
std::string kernel_param(std::string_view name, std::string_view value);

/// "netconsole=<value>" (built in) or "netconsole.netconsole=<value>" (module), then
/// " loglevel=N" when given. Throws InputError as kernel_param, and unless 1 <= N <= 8.
std::string cmdline_fragment(std::span<const Target> targets, Build build,
                             std::optional<int> loglevel);

/// /etc/modprobe.d/netconsole.conf: "options netconsole netconsole=<value>", quoted
/// as kmod and the kernel want it. Throws InputError as kernel_param.
std::string modprobe_conf(std::span<const Target> targets);

/// /etc/modules-load.d/netconsole.conf: the module name on a line of its own.
std::string modules_load_conf();

/// What /etc/sysctl.d/90-netconsole.conf sets; both `modprobe --persist-loglevel` and
/// `panic-watchdog` write it, each keeping the other's setting.
struct SysctlSettings {
    /// kernel.printk: the console level, then the other three as they were.
    std::optional<std::array<int, 4>> printk;
    std::optional<int> panic; ///< kernel.panic
    /// The running kernel's kernel.panic when panic-watchdog set it (a comment line), so
    /// that its --remove can put it back.
    std::optional<int> panic_before;
    bool operator==(const SysctlSettings&) const = default;
};

/// The settings of the tool's sysctl.d file ("kernel.printk = C D M B", "kernel.panic = N"
/// lines); other lines are ignored, a malformed setting is left out.
SysctlSettings parse_sysctl_conf(std::string_view content);

/// /etc/sysctl.d/90-netconsole.conf holding settings; nullopt when it sets nothing (the
/// file goes). Throws FieldError unless 1 <= console level <= 8.
std::optional<std::string> sysctl_conf(const SysctlSettings& settings);

/// /etc/systemd/system.conf.d/90-netconsole-setup.conf: [Manager] RuntimeWatchdogSec=
/// timeout ("30s"), so that systemd drives the hardware watchdog named in its comment.
std::string watchdog_dropin(std::string_view timeout, std::string_view watchdog);

/// /etc/initramfs-tools/hooks/netconsole-setup: a hook that puts the modules in the image
/// with initramfs-tools' manual_add_modules, whatever MODULES= says (then
/// update-initramfs -u). Throws InputError for a name that is not a module's
/// ([A-Za-z0-9_-]): the hook is a shell script.
std::string initramfs_tools_hook(std::span<const std::string> modules);

/// /etc/dracut.conf.d/90-netconsole-setup.conf: force_drivers+=" m1 m2 " (man
/// dracut.conf; loaded early, before the root is mounted), then dracut -f.
std::string dracut_conf(std::span<const std::string> modules);

/// /etc/default/grub.d/netconsole.cfg, which update-grub sources after
/// /etc/default/grub: appends the fragment to GRUB_CMDLINE_LINUX_DEFAULT. Each
/// argument is protected for both readers: the shell that sources the file, and
/// GRUB's script parser that reads grub.cfg (to which ';' separates commands).
/// Throws InputError for an argument holding a single quote or a backslash.
std::string grub_dropin(std::string_view fragment);

} // namespace ncs::persist
