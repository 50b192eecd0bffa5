#include "apply_config.hpp"

#include "apply.hpp"
#include "apply/apply.hpp"
#include "apply/prepare.hpp"
#include "compat.hpp"
#include "json.hpp"
#include "persist/config_file.hpp"
#include "resolve/resolver.hpp"
#include "system/atomic_file.hpp"
#include "system/configfs.hpp"
#include "target_options.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>

namespace ncs::cli {
namespace {

/// One target of the configuration, before resolution.
struct ConfiguredTarget {
    std::string where; ///< "FILE:LINE" or "/etc/default/netconsole"
    TargetRequest request;
    std::optional<std::string> name;
    std::vector<UserdataEntry> userdata;
    Sysdata sysdata;
};

// One line's words, parsed by the same target options as the command line.
ConfiguredTarget parse_line(const persist::ConfigLine& line, const std::string& file) {
    ConfiguredTarget configured;
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
        if (name) {
            apply::validate_target_name(*name);
            configured.name = *name;
        }
        std::set<std::string> keys;
        for (const auto& text : userdata) {
            auto entry = parse_userdata(text);
            if (!keys.insert(entry.key).second) {
                throw InputError(fmt::format("--userdata: key '{}' is given twice", entry.key));
            }
            configured.userdata.push_back(std::move(entry));
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
    return configured;
}

std::vector<ConfiguredTarget> read_configuration(const std::string& file, const Context& context) {
    std::vector<ConfiguredTarget> configured;
    if (const auto text = read_optional_file(context.root.path(file))) {
        for (const auto& line : persist::parse_config_text(*text, file)) {
            configured.push_back(parse_line(line, file));
        }
    } else {
        context.output.note(fmt::format("{} does not exist: no targets from it", file));
    }
    const auto defaults_path = context.root.path(k_debian_defaults_path);
    if (const auto text = read_optional_file(defaults_path)) {
        const std::string where(k_debian_defaults_path);
        for (const auto& word : persist::parse_netconsole_opts(*text, where)) {
            ConfiguredTarget target;
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
    return configured;
}

std::vector<std::string> read_state(const Context& context) {
    std::vector<std::string> names;
    if (const auto text = read_optional_file(context.root.path(k_config_state_path))) {
        for (const auto& line : persist::parse_config_text(*text, k_config_state_path)) {
            names.insert(names.end(), line.words.begin(), line.words.end());
        }
    }
    return names;
}

std::string state_text(const std::vector<Target>& targets) {
    std::string text = "# Targets made by netconsole-setup apply --config; it removes them when\n"
                       "# the configuration no longer lists them.\n";
    for (const auto& target : targets) {
        text += "'" + target.name + "'\n"; // names hold no '/' and no quote is ever valid here
    }
    return text;
}

} // namespace

void run_apply_config(const std::string& file, const Context& context) {
    // Everything in the files is checked, and every target resolved, before anything
    // is touched.
    const auto configured = read_configuration(file, context);
    std::vector<TargetRequest> requests;
    for (const auto& c : configured) {
        requests.push_back(c.request);
    }
    const auto resolutions = resolve_all(requests, context.root);
    std::vector<Target> targets;
    std::set<std::string> names;
    for (std::size_t i = 0; i < resolutions.size(); ++i) {
        auto target = resolutions[i].target;
        target.userdata = configured[i].userdata;
        target.sysdata = configured[i].sysdata;
        target.name = configured[i].name ? *configured[i].name : apply::default_target_name(target);
        if (target.name.find('\'') != std::string::npos) {
            throw InputError(fmt::format("{}: a target name cannot hold a single quote",
                                         configured[i].where));
        }
        try {
            validate(target);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}: {}", configured[i].where, e.what()), e.hint());
        }
        if (!names.insert(target.name).second) {
            throw InputError(fmt::format("{}: a second target named {}", configured[i].where,
                                         target.name),
                             "give it --name, or another address or port");
        }
        context.output.resolution(resolutions[i], target.name, Output::VersionWarnings::hide);
        targets.push_back(std::move(target));
    }

    require_kernel_admin(context, "apply");
    for (const auto& step : apply::prepare_kernel(context.root)) {
        context.output.step({step, {}});
    }
    SystemConfigfsFiles files;
    const auto dir = netconsole_dir(context.root);
    const auto reports = apply::apply_targets(files, dir, targets);

    // Only targets this command made earlier, and still there, are removed.
    const auto present = list_targets(files, dir);
    std::vector<std::string> removed;
    for (const auto& name : read_state(context)) {
        if (names.count(name) == 0 &&
            std::find(present.begin(), present.end(), name) != present.end()) {
            apply::remove_target(files, dir, name);
            removed.push_back(name);
        }
    }
    write_file_atomically(context.root.path(k_config_state_path), state_text(targets));

    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (const auto& report : reports) {
            json["targets"].push_back(
                {{"name", report.name}, {"outcome", apply::to_string(report.outcome)}});
        }
        json["removed"] = removed;
        context.output.result() << dump(json);
        return;
    }
    auto& out = context.output.result();
    for (const auto& report : reports) {
        out << fmt::format("target {}: {}\n", report.name, apply::to_string(report.outcome));
    }
    for (const auto& name : removed) {
        out << fmt::format("target {}: removed (no longer in the configuration)\n", name);
    }
}

} // namespace ncs::cli
