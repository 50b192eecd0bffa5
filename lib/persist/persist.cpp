#include "persist/persist.hpp"

#include "grammar/netconsole_string.hpp"
#include "model/console_level.hpp"
#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace ncs::persist {
namespace {

constexpr std::size_t k_max_value = 255; // netconsole's MAX_PARAM_LENGTH - 1

/// The comment that records kernel.panic as it was before panic-watchdog set it.
constexpr std::string_view k_panic_before_key = "# kernel.panic before netconsole-setup";

// The header of every file the tool writes; is_owned() looks at its first line, which
// is the file's first (owner_line: "the first line") or follows a script's "#!" line.
std::string header(std::string_view what, std::string_view owner_line = "the first line") {
    return fmt::format("{}\n"
                       "# {}\n"
                       "# netconsole-setup rewrites or removes this file; delete {}\n"
                       "# to keep your own edits (it then refuses to touch the file).\n",
                       k_owner_line, what, owner_line);
}

// The kernel's isspace() set, which next_arg splits at.
bool is_kernel_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Characters that neither the shell nor GRUB's parser treat specially.
bool grub_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.,:/@=+%-").find(c) != std::string_view::npos;
}

} // namespace

bool is_owned(std::string_view content) {
    if (content.starts_with("#!")) {
        const auto line_end = content.find('\n');
        content = line_end == std::string_view::npos ? std::string_view{}
                                                     : content.substr(line_end + 1);
    }
    const auto end = content.find('\n');
    return content.substr(0, end) == k_owner_line;
}

std::string kernel_param(std::string_view name, std::string_view value) {
    if (value.size() > k_max_value) {
        throw InputError(fmt::format("{}= would be {} characters; the kernel takes at most {}",
                                     name, value.size(), k_max_value),
                         fmt::format("use fewer targets, or {}/{} to shorten them",
                                     mention(Field::device), mention(Field::remote_mac)));
    }
    bool space = false;
    for (const char c : value) {
        if (c == '"') {
            throw InputError(fmt::format("{}={} holds a double quote, which the kernel cannot "
                                         "be given on its command line",
                                         name, value));
        }
        if (is_kernel_space(c)) {
            space = true;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            throw InputError(fmt::format("{}= holds a control character", name));
        }
    }
    // The kernel (next_arg) and kmod strip one pair of quotes around the value.
    return space ? fmt::format("{}=\"{}\"", name, value) : fmt::format("{}={}", name, value);
}

std::string cmdline_fragment(std::span<const Target> targets, Build build,
                             std::optional<int> loglevel) {
    // Built in, netconsole= is read by the __setup handler; a module only sees
    // <module>.<parameter>= (modprobe passes it on from /proc/cmdline).
    const auto name = build == Build::builtin ? "netconsole" : "netconsole.netconsole";
    auto fragment = kernel_param(name, grammar::format(targets));
    if (loglevel) {
        validate_console_level(*loglevel);
        fragment += fmt::format(" loglevel={}", *loglevel);
    }
    return fragment;
}

std::string modprobe_conf(std::span<const Target> targets) {
    return header("Targets for the netconsole module when it loads (man modprobe.d).") +
           "options netconsole " + kernel_param("netconsole", grammar::format(targets)) + "\n";
}

std::string modules_load_conf() {
    return header("Loads netconsole at boot (man modules-load.d).") + "netconsole\n";
}

std::string initramfs_tools_hook(std::span<const std::string> modules) {
    std::string list;
    for (const auto& module : modules) {
        const bool valid = !module.empty() && std::ranges::all_of(module, [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-';
        });
        if (!valid) {
            throw InputError(fmt::format("'{}' is not a module name", module));
        }
        list += ' ' + module;
    }
    // A hook answers "prereqs" with the hooks it must run after (none), and is
    // otherwise run with hook-functions' helpers at hand (man initramfs-tools).
    return "#!/bin/sh\n" +
           header("An initramfs-tools hook: puts the modules netconsole= needs before the "
                  "root\n# is mounted in the image, whatever MODULES= says (man "
                  "initramfs-tools;\n# then update-initramfs -u).",
                  "the second line") +
           "case \"$1\" in\n"
           "prereqs) exit 0 ;;\n"
           "esac\n"
           ". /usr/share/initramfs-tools/hook-functions\n"
           "manual_add_modules" + list + "\n";
}

std::string dracut_conf(std::span<const std::string> modules) {
    std::string list;
    for (const auto& module : modules) {
        list += module + ' ';
    }
    return header("Modules dracut loads from the image, so that netconsole starts before\n"
                  "# the root is mounted (man dracut.conf; then dracut -f).") +
           fmt::format("force_drivers+=\" {}\"\n", list);
}

SysctlSettings parse_sysctl_conf(std::string_view content) {
    SysctlSettings settings;
    std::size_t pos = 0;
    while (pos < content.size()) {
        auto end = content.find('\n', pos);
        if (end == std::string_view::npos) {
            end = content.size();
        }
        const auto line = content.substr(pos, end - pos);
        pos = end + 1;
        const auto equals = line.find('=');
        if (equals == std::string_view::npos ||
            (line.starts_with('#') && !line.starts_with(k_panic_before_key))) {
            continue;
        }
        const auto trim = [](std::string_view s) {
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
                s.remove_prefix(1);
            }
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
                s.remove_suffix(1);
            }
            return s;
        };
        const auto key = trim(line.substr(0, equals));
        auto value = trim(line.substr(equals + 1));
        std::vector<int> numbers;
        while (!value.empty()) {
            int number = 0;
            const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
            if (ec != std::errc() || p == value.data()) {
                numbers.clear();
                break;
            }
            numbers.push_back(number);
            value = trim(value.substr(static_cast<std::size_t>(p - value.data())));
        }
        if (key == k_panic_before_key && numbers.size() == 1) {
            settings.panic_before = numbers[0];
        } else if (key == "kernel.printk" && numbers.size() == 4) {
            settings.printk = std::array<int, 4>{numbers[0], numbers[1], numbers[2], numbers[3]};
        } else if (key == "kernel.panic" && numbers.size() == 1) {
            settings.panic = numbers[0];
        }
    }
    return settings;
}

std::optional<std::string> sysctl_conf(const SysctlSettings& settings) {
    if (!settings.printk && !settings.panic) {
        return std::nullopt;
    }
    // The printk-only text is the one modprobe --persist-loglevel always wrote.
    std::string text = header(
        !settings.panic    ? "The console log level at boot: messages below it reach netconsole "
                             "(man sysctl.d)."
        : !settings.printk ? "kernel.panic=0: a panicked host stays down until a watchdog "
                             "resets it, so netconsole sends the panic (man sysctl.d)."
                           : "The console log level at boot, and kernel.panic=0 so that "
                             "netconsole sends a panic (man sysctl.d).");
    if (const auto& p = settings.printk) {
        validate_console_level((*p)[0]);
        text += fmt::format("kernel.printk = {} {} {} {}\n", (*p)[0], (*p)[1], (*p)[2], (*p)[3]);
    }
    if (settings.panic) {
        if (settings.panic_before) {
            text += fmt::format("{} = {}\n", k_panic_before_key, *settings.panic_before);
        }
        text += fmt::format("kernel.panic = {}\n", *settings.panic);
    }
    return text;
}

std::string watchdog_dropin(std::string_view timeout, std::string_view watchdog) {
    // The name comes from sysfs: it must not end the comment line.
    std::string name(watchdog);
    for (auto& c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = '?';
        }
    }
    return header(fmt::format("systemd drives the hardware watchdog ({}), which resets\n"
                              "# a host that kernel.panic=0 keeps down after a panic (man "
                              "systemd-system.conf).\n# systemd applies it at the next boot or "
                              "after 'systemctl daemon-reexec'.",
                              name)) +
           fmt::format("[Manager]\nRuntimeWatchdogSec={}\n", timeout);
}

std::string grub_dropin(std::string_view fragment) {
    std::string arguments;
    std::size_t pos = 0;
    while (pos < fragment.size()) {
        // The fragment comes from cmdline_fragment: arguments separated by one
        // space, a quoted value holding no further double quote.
        std::size_t end = pos;
        bool quoted = false;
        while (end < fragment.size() && (quoted || fragment[end] != ' ')) {
            quoted = fragment[end] == '"' ? !quoted : quoted;
            ++end;
        }
        const auto argument = fragment.substr(pos, end - pos);
        pos = end + 1;
        bool safe = true;
        std::string escaped;
        for (const char c : argument) {
            if (c == '\'' || c == '\\') {
                throw InputError(fmt::format("'{}' cannot be written to a GRUB configuration",
                                             argument),
                                 "edit /etc/default/grub by hand");
            }
            safe = safe && grub_safe(c);
            // Inside the shell's double quotes these four are still special.
            if (c == '$' || c == '`' || c == '"' || c == '\\') {
                escaped += '\\';
            }
            escaped += c;
        }
        // GRUB's parser ends a command at ';' and expands '$': single quotes keep
        // the argument whole and literal, and GRUB removes them.
        arguments += ' ';
        arguments += safe ? escaped : "'" + escaped + "'";
    }
    return header("Appends netconsole to the kernel command line; run update-grub after "
                  "a change.") +
           "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT" + arguments + "\"\n";
}

} // namespace ncs::persist
