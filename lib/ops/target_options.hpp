#pragma once
// The words of a target, one grammar for every source that writes them (issue 21): the
// command line binds its options into TargetOptions, a line of /etc/netconsole-setup.conf
// is parsed into one by parse_target_words(), and one builder checks them, once, into
// requests (make_requests) or desired targets (make_desired). Errors name request fields
// (FieldError, mention()), never a CLI flag: the caller phrases them.

#include "model/errors.hpp"
#include "model/target_request.hpp"
#include "reconcile/reconcile.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ncs::ops {

/// A target as the user wrote it, every value still text: destination, ports, device,
/// source, next-hop MAC or broadcast, format, timeout, family, name, userdata, sysdata.
struct TargetOptions {
    std::vector<std::string> to; ///< one target per destination
    std::optional<std::string> port;
    std::optional<std::string> src_port;
    std::optional<std::string> dev;
    std::optional<std::string> src;
    std::optional<std::string> mac;
    bool broadcast = false;
    bool extended = false;
    bool release = false;
    std::optional<std::string> timeout;
    bool allow_unconfirmed_mac = false;
    bool ipv4 = false;
    bool ipv6 = false;
    std::optional<std::string> name;
    std::vector<std::string> userdata; ///< KEY=VALUE texts
    std::optional<std::string> sysdata; ///< a LIST text
};

/// Where make_desired's targets came from when the caller's own words gave them.
inline constexpr std::string_view k_command_line = "command line";

/// One request per destination, the other options applying to each (name, userdata and
/// sysdata are make_desired's). Throws InputError and FieldError naming the field.
std::vector<TargetRequest> make_requests(const TargetOptions& options);

/// The desired targets of options (make_requests, then name, userdata and sysdata), each
/// from where; a name needs exactly one destination. Throws as make_requests does; the
/// request made of them checks the rest (make_apply_request, make_watch_request).
std::vector<reconcile::DesiredTarget> make_desired(const TargetOptions& options,
                                                   std::string_view where = k_command_line);

/// A device as written: a MAC when it holds a ':' (the kernel's rule for the dev field,
/// 6.15+; no interface name holds one), an interface name otherwise. Throws
/// FieldError(device) for an empty text or a ':' text that is no MAC.
Device parse_device(std::string_view text);

/// "KEY=VALUE" -> the entry (split at the first '='). Throws FieldError(userdata).
UserdataEntry parse_userdata(std::string_view text);

/// "cpu_nr,taskname,release,msgid" (any subset; "" for none) -> the switches. Throws
/// FieldError(sysdata) naming an unknown one.
Sysdata parse_sysdata(std::string_view text);

/// The words of a configuration line as the options of one target, by the file's own
/// table of option words (those of the command line: "--to", "--port", ..., "-4", "-6"):
/// "--word VALUE" or "--word=VALUE" for a value, "--word" alone (or =true, =false) for a
/// switch; "--to" and "--userdata" may repeat, the others take one value. Throws
/// InputError for an unknown word or a word that is no option, FieldError for a missing
/// value or a value given twice; the caller locates it (InputError::locate).
TargetOptions parse_target_words(const std::vector<std::string>& words);

/// One option word of a configuration line and the field it sets.
struct OptionWord {
    std::string_view word; ///< "--port"
    Field field;           ///< remote_port
};

/// parse_target_words()'s table, in its order: what the CLI checks its flags against.
std::vector<OptionWord> option_words();

} // namespace ncs::ops
