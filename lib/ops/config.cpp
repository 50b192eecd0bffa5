#include "ops/config.hpp"

#include "apply/apply.hpp"
#include "model/errors.hpp"
#include "model/port.hpp"
#include "ops/target_options.hpp"
#include "system/atomic_file.hpp"
#include "system/writer_lock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace ncs::ops {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

template <typename F>
auto at_line(const persist::ShellAssignment& a, F&& f) {
    try {
        return f(a.value);
    } catch (InputError& e) {
        e.locate(fmt::format("{}:{}", k_redhat_config_path, a.line));
        throw;
    }
}

std::vector<reconcile::DesiredTarget> debian_targets(const Root& root) {
    std::vector<reconcile::DesiredTarget> targets;
    const auto text = read_optional_file(root, k_debian_defaults_path);
    if (!text) {
        return targets;
    }
    const std::string where(k_debian_defaults_path);
    for (const auto& word : persist::parse_netconsole_opts(*text, where)) {
        reconcile::DesiredTarget target;
        target.where = where;
        try {
            const auto parsed = parse_compat_target(word);
            target.request.to = parsed.host;
            target.request.extended = parsed.extended;
            if (parsed.port) {
                target.request.remote_port = *parsed.port;
            }
        } catch (InputError& e) {
            e.locate(where + ": NETCONSOLE_OPTS");
            throw;
        }
        target.name = target.request.to; // as Debian's script names it
        targets.push_back(std::move(target));
    }
    return targets;
}

std::vector<std::string> read_state(const Root& root) {
    std::vector<std::string> names;
    if (const auto text = read_optional_file(root, k_config_state_path)) {
        for (const auto& line : persist::parse_config_text(*text, k_config_state_path)) {
            names.insert(names.end(), line.words.begin(), line.words.end());
        }
    }
    return names;
}

std::string state_text(const std::vector<std::string>& names) {
    std::string text = "# Targets made by netconsole-setup apply --config; it removes them when\n"
                       "# the configuration no longer lists them.\n";
    for (const auto& name : names) {
        text += "'" + name + "'\n"; // names hold no '/' and no quote (configuration())
    }
    return text;
}

/// remove_unlisted() with the record and the targets present given (simulated: a dry
/// run, files null). Returns the names removed and the record to keep.
std::pair<std::vector<std::string>, std::vector<std::string>>
remove_unlisted_of(ConfigfsFiles* files, const std::filesystem::path& dir,
                   const std::vector<std::string>& record, const std::vector<std::string>& present,
                   const std::vector<std::string>& listed, bool complete) {
    std::vector<std::string> removed;
    auto recorded = listed;
    for (const auto& name : record) {
        if (std::find(listed.begin(), listed.end(), name) != listed.end() ||
            std::find(present.begin(), present.end(), name) == present.end()) {
            continue;
        }
        if (!complete) {
            recorded.push_back(name); // still made by us: a later complete run removes it
            continue;
        }
        if (files != nullptr) {
            apply::remove_target(*files, dir, name);
        }
        removed.push_back(name);
    }
    return {removed, recorded};
}

/// "line 3" for a place in the same file as here, else the place itself.
std::string line_of(const std::string& place, const std::string& here) {
    const auto colon = place.rfind(':');
    if (colon != std::string::npos && here.rfind(':') == colon &&
        here.compare(0, colon, place, 0, colon) == 0) {
        return "line " + place.substr(colon + 1);
    }
    return place;
}

/// The lines of FILE, a system path read under the root (relative: to the working
/// directory on the running system). Missing or unreadable is FieldError(config_file),
/// except k_default_config_path, which may be absent (nullopt).
std::optional<std::vector<persist::ConfigLine>> read_config_lines(const std::string& file,
                                                                  const Root& root) {
    SmallFile read;
    try {
        // Relative to the working directory on the running system, to the root under --root.
        const auto path = root.is_system_root() && !file.empty() && file[0] != '/'
                              ? std::filesystem::absolute(file).string()
                              : file;
        read = read_small_file(root, path);
    } catch (const std::system_error& e) {
        throw FieldError(Field::config_file, e.what());
    }
    if (read.outcome == ReadOutcome::ok) {
        return persist::parse_config_text(read.content, file);
    }
    if (read.outcome == ReadOutcome::absent && file == k_default_config_path) {
        return std::nullopt;
    }
    throw FieldError(Field::config_file, unread_reason(read.outcome, file),
                     read.outcome == ReadOutcome::absent
                         ? "nothing was changed; an empty file removes the targets made "
                           "from it"
                         : "nothing was changed");
}

/// The configuration: from_file (FILE's targets; nullopt when the default file is
/// absent), then Debian's and Red Hat's files under root; no quote in a name.
Configuration configuration(const std::string& file,
                            std::optional<std::vector<reconcile::DesiredTarget>> from_file,
                            const Root& root) {
    Configuration result;
    if (from_file) {
        result.targets = std::move(*from_file);
    } else {
        result.complete = false;
        result.note = fmt::format("{} does not exist: no targets from it, none removed", file);
    }
    for (auto& target : debian_targets(root)) {
        result.targets.push_back(std::move(target));
    }
    if (const auto text = read_optional_file(root, k_redhat_config_path)) {
        const auto where = std::string(k_redhat_config_path);
        if (auto target = redhat_desired(persist::parse_redhat_netconsole(*text, where))) {
            result.targets.push_back(std::move(*target));
        }
    }
    for (const auto& target : result.targets) {
        // The record quotes names; the default ncs-<remote IP>-<port> holds no quote.
        if (target.name && target.name->find('\'') != std::string::npos) {
            InputError error("a target name cannot hold a single quote");
            error.locate(target.where);
            throw error;
        }
    }
    return result;
}

} // namespace

CompatTarget parse_compat_target(std::string_view word) {
    CompatTarget target;
    std::string_view host = word;
    // The optional prefix `+?[0-9]*@`; anything else before an '@' belongs to the host.
    std::size_t i = 0;
    if (i < word.size() && word[i] == '+') {
        ++i;
    }
    std::size_t digits = i;
    while (digits < word.size() && is_digit(word[digits])) {
        ++digits;
    }
    const bool has_prefix = digits < word.size() && word[digits] == '@';
    if (has_prefix) {
        target.extended = i == 1;
        if (digits > i) {
            target.port = parse_port(word.substr(i, digits - i), fmt::format("'{}'", word));
        }
        host = word.substr(digits + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) {
        throw InputError(fmt::format("'{}' names no host", word),
                         "the Debian form is [+][PORT]@HOST, e.g. +6666@192.0.2.5");
    }
    if (!has_prefix && host.front() == '+') {
        throw InputError(fmt::format("'{}' is not a host name", word),
                         fmt::format("for an extended target write '+@{}'", host.substr(1)));
    }
    if (!has_prefix && host.find_first_of(".:") == std::string_view::npos) {
        // "frobnicate" is more likely a mistyped command than a host; "@frobnicate"
        // still names a host without a dot.
        throw UnknownWordError(fmt::format("unknown command '{}'", word));
    }
    if (host == "." || host == ".." || host.find('/') != std::string_view::npos ||
        host.size() > 255) {
        throw InputError(fmt::format("'{}' is not a host name", host),
                         "it also names the configfs target, so it cannot hold a '/'");
    }
    target.host = host;
    return target;
}

std::optional<reconcile::DesiredTarget> redhat_desired(const persist::RedHatNetconsole& config) {
    if (!config.syslogaddr) {
        return std::nullopt; // the service itself does nothing then
    }
    reconcile::DesiredTarget desired;
    desired.where = fmt::format("{}:{}", k_redhat_config_path, config.syslogaddr->line);
    auto& request = desired.request;
    request.to = config.syslogaddr->value;
    request.remote_port = persist::k_redhat_default_remote_port;
    request.local_port = persist::k_redhat_default_local_port;
    if (config.syslogport) {
        request.remote_port = at_line(
            *config.syslogport, [](const std::string& v) { return parse_port(v, "SYSLOGPORT"); });
    }
    if (config.localport) {
        request.local_port = at_line(
            *config.localport, [](const std::string& v) { return parse_port(v, "LOCALPORT"); });
    }
    if (config.syslogmacaddr) {
        request.mac = at_line(*config.syslogmacaddr, [](const std::string& v) {
            const auto mac = MacAddress::try_parse(v);
            if (!mac) {
                throw InputError(fmt::format("SYSLOGMACADDR: '{}' is not a MAC address", v),
                                 "six hex pairs separated by ':', as 52:54:00:12:34:56");
            }
            return *mac;
        });
    }
    if (config.dev) {
        request.dev = config.dev->value;
    }
    return desired;
}

reconcile::DesiredTarget desired_of_line(const persist::ConfigLine& line, std::string_view file) {
    const auto where = fmt::format("{}:{}", file, line.number);
    try {
        const auto options = parse_target_words(line.words);
        if (options.to.size() != 1) {
            throw InputError(fmt::format("one {} per line: each line is one target",
                                         mention(Field::destination)));
        }
        return std::move(make_desired(options, where).front());
    } catch (InputError& e) {
        e.locate(where);
        throw;
    }
}

Configuration read_configuration(const std::string& file, const Root& root) {
    std::optional<std::vector<reconcile::DesiredTarget>> from_file;
    if (const auto lines = read_config_lines(file, root)) {
        from_file.emplace();
        for (const auto& line : *lines) {
            from_file->push_back(desired_of_line(line, file));
        }
    }
    auto result = configuration(file, std::move(from_file), root);
    refuse_same_destination(result.targets);
    return result;
}

void refuse_same_destination(const std::vector<reconcile::DesiredTarget>& targets) {
    // A literal address is compared without its zone (the zone only picks the link); a
    // host name by its text, as resolving it is apply's (ops/resolve.hpp's rule then).
    const auto destination = [](const TargetRequest& request) {
        if (const auto address = IpAddress::try_parse(request.to)) {
            return address->without_zone().to_string();
        }
        std::string name = request.to;
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return name;
    };
    for (std::size_t i = 0; i < targets.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto& a = targets[j];
            const auto& b = targets[i];
            if (a.request.remote_port != b.request.remote_port ||
                destination(a.request) != destination(b.request)) {
                continue;
            }
            InputError error(fmt::format("the same target as {}: {} port {}",
                                         line_of(a.where, b.where), destination(b.request),
                                         b.request.remote_port),
                             fmt::format("give each {} once, or another {}",
                                         mention(Field::destination), mention(Field::remote_port)));
            error.locate(b.where);
            throw error;
        }
    }
}

std::vector<std::string> remove_unlisted(ConfigfsFiles& files, const std::filesystem::path& dir,
                                         const Root& root, const std::vector<std::string>& listed,
                                         bool complete) {
    // The record is read, acted on and rewritten by one writer at a time.
    const WriterLock lock(root);
    auto [removed, recorded] = remove_unlisted_of(&files, dir, read_state(root),
                                                  list_targets(files, dir), listed, complete);
    write_file_atomically(root, k_config_state_path, state_text(recorded));
    return removed;
}

std::vector<std::string> remove_unlisted(const ConfigfsFiles& files,
                                         const std::filesystem::path& dir, const Root& root,
                                         const std::vector<std::string>& listed, bool complete,
                                         DryRunRecord& record) {
    if (!record.names) {
        record.names = read_state(root);
    }
    auto present = list_targets(files, dir);
    present.insert(present.end(), record.made.begin(), record.made.end());
    auto [removed, recorded] =
        remove_unlisted_of(nullptr, dir, *record.names, present, listed, complete);
    record.names = std::move(recorded);
    return removed;
}

} // namespace ncs::ops
