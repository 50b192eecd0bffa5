#include "apply_config.hpp"

#include "apply.hpp"
#include "apply/apply.hpp"
#include "compat.hpp"
#include "crash_report.hpp"
#include "reconcile_run.hpp"
#include "redhat.hpp"
#include "json.hpp"
#include "persist/config_file.hpp"
#include "resolve/resolver.hpp"
#include "system/atomic_file.hpp"
#include "system/configfs.hpp"
#include "system/writer_lock.hpp"
#include "target_options.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <utility>

namespace ncs::cli {
namespace {

// One line's words, parsed by the same target options as the command line.
reconcile::DesiredTarget parse_line(const persist::ConfigLine& line, const std::string& file) {
    reconcile::DesiredTarget configured;
    configured.where = fmt::format("{}:{}", file, line.number);
    TargetOptions target;
    std::optional<std::string> name;
    std::vector<std::string> userdata;
    std::optional<std::string> sysdata;
    CLI::App app("a line of the configuration file", "line");
    add_target_options(app, target);
    app.add_option("--name", name);
    app.add_option("--userdata", userdata)->allow_extra_args(false);
    app.add_option("--sysdata", sysdata);
    app.set_help_flag();
    try {
        std::vector<std::string> args(line.words.rbegin(), line.words.rend());
        app.parse(args);
        if (target.to.size() != 1) {
            throw InputError("one --to per line: each line is one target");
        }
        auto requests = make_requests(target);
        configured.request = std::move(requests.front());
        configured.name = name;
        for (const auto& text : userdata) {
            configured.userdata.push_back(parse_userdata(text));
        }
        if (sysdata) {
            configured.sysdata = parse_sysdata(*sysdata);
        }
    } catch (const CLI::Error& e) {
        throw InputError(fmt::format("{}: {}", configured.where, e.what()),
                         "a line holds the options of 'netconsole-setup apply', one --to");
    } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", configured.where, e.what()), e.hint());
    }
    reconcile::validate(configured); // "FILE:LINE: ..." as above
    return configured;
}


/// The text of the file the command line names: missing or unreadable is bad input,
/// except for the service's own default path, which may be absent (nullopt).
std::optional<std::string> read_named_file(const std::string& file, const Context& context) {
    SmallFile read;
    try {
        // Relative to the working directory on the running system, to the root under --root.
        const auto path = context.root.is_system_root() && !file.empty() && file[0] != '/'
                              ? std::filesystem::absolute(file).string()
                              : file;
        read = read_small_file(context.root, path);
    } catch (const std::system_error& e) {
        throw InputError(fmt::format("--config: {}", e.what()));
    }
    if (read.outcome == ReadOutcome::ok) {
        return std::move(read.content);
    }
    if (read.outcome == ReadOutcome::absent && file == k_default_config_path) {
        return std::nullopt;
    }
    throw InputError(fmt::format("--config: {}", unread_reason(read.outcome, file)),
                     read.outcome == ReadOutcome::absent
                         ? "nothing was changed; an empty file removes the targets that "
                           "apply --config and watch --config made"
                         : "nothing was changed");
}

} // namespace

Configuration read_configuration(const std::string& file, const Context& context) {
    Configuration configuration;
    auto& configured = configuration.targets;
    if (const auto text = read_named_file(file, context)) {
        for (const auto& line : persist::parse_config_text(*text, file)) {
            configured.push_back(parse_line(line, file));
        }
    } else {
        configuration.complete = false;
        configuration.note = fmt::format("{} does not exist: no targets from it, none removed",
                                         file);
    }
    if (const auto text = read_optional_file(context.root, k_debian_defaults_path)) {
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
            } catch (const InputError& e) {
                throw InputError(fmt::format("{}: NETCONSOLE_OPTS: {}", where, e.what()), e.hint());
            }
            target.name = target.request.to; // as Debian's script names it
            configured.push_back(std::move(target));
        }
    }
    if (const auto text = read_optional_file(context.root, k_redhat_config_path)) {
        const auto where = std::string(k_redhat_config_path);
        if (auto target = redhat_desired(persist::parse_redhat_netconsole(*text, where))) {
            configured.push_back(std::move(*target));
        }
    }
    reconcile::validate(configured); // names given twice, across the sources
    for (const auto& target : configured) {
        // The record quotes names; the default ncs-<remote IP>-<port> holds no quote.
        if (target.name && target.name->find('\'') != std::string::npos) {
            throw InputError(
                fmt::format("{}: a target name cannot hold a single quote", target.where));
        }
    }
    return configuration;
}

namespace {

std::vector<std::string> read_state(const Context& context) {
    std::vector<std::string> names;
    if (const auto text = read_optional_file(context.root, k_config_state_path)) {
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
        text += "'" + name + "'\n"; // names hold no '/' and no quote (read_configuration)
    }
    return text;
}

/// remove_unlisted() with the record and the targets present given (simulated: a dry
/// run). Returns the names removed and the record to keep.
std::pair<std::vector<std::string>, std::vector<std::string>>
remove_unlisted_of(ConfigfsFiles& files, const std::filesystem::path& dir,
                   const std::vector<std::string>& record, const std::vector<std::string>& present,
                   const std::vector<std::string>& listed, bool complete, bool dry_run) {
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
        if (!dry_run) {
            apply::remove_target(files, dir, name);
        }
        removed.push_back(name);
    }
    return {removed, recorded};
}

} // namespace

std::vector<std::string> remove_unlisted(ConfigfsFiles& files, const std::filesystem::path& dir,
                                         const Context& context,
                                         const std::vector<std::string>& listed, bool complete,
                                         bool dry_run) {
    // The record is read, acted on and rewritten by one writer at a time.
    std::optional<WriterLock> lock;
    if (!dry_run) {
        lock.emplace(context.root);
    }
    auto [removed, recorded] = remove_unlisted_of(files, dir, read_state(context),
                                                  list_targets(files, dir), listed, complete,
                                                  dry_run);
    if (!dry_run) {
        write_file_atomically(context.root, k_config_state_path, state_text(recorded));
    }
    return removed;
}

std::vector<std::string> remove_unlisted(ConfigfsFiles& files, const std::filesystem::path& dir,
                                         const Context& context,
                                         const std::vector<std::string>& listed, bool complete,
                                         DryRunRecord& record) {
    if (!record.names) {
        record.names = read_state(context);
    }
    auto present = list_targets(files, dir);
    present.insert(present.end(), record.made.begin(), record.made.end());
    auto [removed, recorded] =
        remove_unlisted_of(files, dir, *record.names, present, listed, complete, true);
    record.names = std::move(recorded);
    return removed;
}

void run_apply_config(const std::string& file, const Context& context, bool dry_run) {
    // Everything in the files is checked, and every target resolved, before anything
    // is touched.
    const auto configuration = read_configuration(file, context);
    const auto& configured = configuration.targets;
    std::optional<LiveKernel> kernel;
    if (!dry_run) {
        kernel = require_kernel_admin(context, "apply");
    }
    if (!configuration.note.empty()) {
        context.output.note(configuration.note);
    }
    warn_if_panic_lost(context);
    const auto wanted = resolve_desired(configured, context, true);
    std::vector<std::string> listed;
    for (const auto& w : wanted) {
        listed.push_back(w.name);
    }
    if (dry_run) {
        print_plan(reconcile::plan(wanted, read_live_state(context)), context);
        return;
    }

    prepare_kernel(*kernel, context);
    SystemConfigfsFiles files(*kernel);
    const auto dir = netconsole_dir(context.root);
    // One writer from reading configfs to the record's update: another apply --config
    // or a watch cannot slip between the targets made and their record.
    const WriterLock lock(context.root);
    const auto reports =
        reconcile::apply_plan(files, dir, reconcile::plan(wanted, reconcile::read_live(files, dir)));

    // Only targets this command made earlier, and still there, are removed, and only
    // when the configuration was read whole: a missing default file removes nothing.
    const auto removed = remove_unlisted(files, dir, context, listed, configuration.complete);

    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (const auto& report : reports) {
            json["targets"].push_back({{"name", report.name},
                                       {"outcome", apply::to_string(report.outcome)},
                                       {"changed", report.outcome != apply::Outcome::unchanged}});
        }
        json["removed"] = removed;
        context.output.result() << dump(json);
        return;
    }
    auto& out = context.output.result();
    for (const auto& report : reports) {
        out << fmt::format("target {}: {}\n", printable(report.name),
                           apply::to_string(report.outcome));
    }
    for (const auto& name : removed) {
        out << fmt::format("target {}: removed (no longer in the configuration)\n",
                           printable(name));
    }
}

} // namespace ncs::cli
