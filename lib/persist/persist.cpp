#include "persist/persist.hpp"

#include "grammar/netconsole_string.hpp"
#include "model/errors.hpp"

#include <fmt/format.h>

namespace ncs::persist {
namespace {

constexpr std::size_t k_max_value = 255; // netconsole's MAX_PARAM_LENGTH - 1

// The header of every file the tool writes; is_owned() looks at the first line.
std::string header(std::string_view what) {
    return fmt::format("{}\n"
                       "# {}\n"
                       "# netconsole-setup rewrites or removes this file; delete the first line\n"
                       "# to keep your own edits (it then refuses to touch the file).\n",
                       k_owner_line, what);
}

// The kernel's isspace() set, which next_arg splits at.
bool is_kernel_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

void check_loglevel(int level, std::string_view option) {
    if (level < 1 || level > 8) {
        throw InputError(fmt::format("{} {}: the console log level must be 1-8", option, level),
                         "8 sends every message, 7 all but debug");
    }
}

// Characters that neither the shell nor GRUB's parser treat specially.
bool grub_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.,:/@=+%-").find(c) != std::string_view::npos;
}

} // namespace

bool is_owned(std::string_view content) {
    const auto end = content.find('\n');
    return content.substr(0, end) == k_owner_line;
}

std::string kernel_param(std::string_view name, std::string_view value) {
    if (value.size() > k_max_value) {
        throw InputError(fmt::format("{}= would be {} characters; the kernel takes at most {}",
                                     name, value.size(), k_max_value),
                         "use fewer targets, or --dev/--mac to shorten them");
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
        check_loglevel(*loglevel, "--loglevel");
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

std::string sysctl_printk_conf(int console_loglevel, int default_message_loglevel,
                               int minimum_console_loglevel, int default_console_loglevel) {
    check_loglevel(console_loglevel, "--persist-loglevel");
    return header("The console log level at boot: messages below it reach netconsole "
                  "(man sysctl.d).") +
           fmt::format("kernel.printk = {} {} {} {}\n", console_loglevel,
                       default_message_loglevel, minimum_console_loglevel,
                       default_console_loglevel);
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
                                 "print it with 'netconsole-setup cmdline' and edit "
                                 "/etc/default/grub by hand");
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
