#include "explain.hpp"

#include "grammar/cmdline.hpp"
#include "json.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

using grammar::Field;

constexpr const char* k_description =
    "Explain a netconsole= value, or the ones this system is configured with";

constexpr const char* k_examples = R"(Examples:
  # the values on the kernel command line and in /etc/modprobe.d
  netconsole-setup explain
  netconsole-setup explain 'netconsole=+@/eth0,6666@10.0.0.2/'
  netconsole-setup explain --json 'netconsole.netconsole=6665@192.0.2.10/eth0,6666@192.0.2.5/52:54:00:12:34:56'
  # two targets; the bare value works too
  netconsole-setup explain '@/,@10.0.0.2/;+r@/eth1,514@10.0.0.3/')";

constexpr std::string_view k_argument = "argument";

/// One value to explain and where it came from.
struct Input {
    std::string source;
    std::string value;
};

struct Explained {
    std::string source;
    grammar::ParseResult result;
};

bool defaulted(const grammar::ParsedTarget& target, Field field) {
    return std::find(target.defaulted.begin(), target.defaulted.end(), field) !=
           target.defaulted.end();
}

std::string mark(const grammar::ParsedTarget& target, Field field) {
    return defaulted(target, field) ? " (kernel default)" : "";
}

std::string explain_local_ip(const grammar::ParsedTarget& parsed) {
    const Target& t = parsed.target;
    if (t.local_ip && !t.local_ip->is_unspecified()) {
        return fmt::format("{} — used as given; the kernel does not check that {} has it",
                           *t.local_ip, describe(t.device));
    }
    // An absent and an all-zero local IP mean the same to the kernel.
    const auto given = t.local_ip ? t.local_ip->to_string() : std::string("none given");
    const auto which = t.remote_ip.is_v4() ? std::string("IPv4")
                       : t.remote_ip.is_link_local() ? std::string("link-local IPv6")
                                                     : std::string("non-link-local IPv6");
    return fmt::format("{}{} — the kernel takes the first {} address of {} when the target "
                       "is enabled",
                       given, mark(parsed, Field::local_ip), which, describe(t.device));
}

std::string explain_device(const grammar::ParsedTarget& parsed) {
    const Target& t = parsed.target;
    if (const auto* mac = t.device_mac()) {
        return fmt::format("the device with MAC {} (Linux {}+; older kernels take the text "
                           "as an interface name)",
                           *mac, to_string(added_in::device_by_mac));
    }
    if (defaulted(parsed, Field::dev_name)) {
        return fmt::format("{} (kernel default — empty means {}, not 'any')", *t.device_name(),
                           k_default_device);
    }
    return *t.device_name();
}

std::string explain_remote_mac(const grammar::ParsedTarget& parsed) {
    const Target& t = parsed.target;
    if (t.remote_mac.is_broadcast()) {
        return fmt::format("{} ({}broadcast — only reaches a doctor on the same link)",
                           t.remote_mac,
                           defaulted(parsed, Field::remote_mac) ? "kernel default: " : "");
    }
    if (!t.remote_mac.is_unicast()) {
        return fmt::format("{} — not a unicast address", t.remote_mac);
    }
    return fmt::format("{} — the frames' destination: the doctor, or the router towards it",
                       t.remote_mac);
}

/// The values to explain, and the configured ones the kernel never reads (each with
/// its warning and the value that replaces it).
struct Inputs {
    std::vector<Input> values;
    struct Overridden {
        ConfiguredValue value;
        ConfiguredValue by;
    };
    std::vector<Overridden> overridden;
};

Inputs collect_inputs(const ExplainOptions& options, const Context& context) {
    Inputs inputs;
    if (options.value) {
        inputs.values.push_back(
            {std::string(k_argument), std::string(grammar::strip_parameter_name(*options.value))});
        return inputs;
    }
    std::vector<Warning> skipped;
    const auto found = find_configured_values(context.root, &skipped);
    const auto overridden = overridden_values(found);
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (overridden[i]) {
            inputs.overridden.push_back({found[i], found[*overridden[i]]});
        } else {
            inputs.values.push_back({found[i].source, found[i].value});
        }
    }
    for (const auto& warning : skipped) {
        context.output.warning(warning);
    }
    return inputs;
}

Json overridden_json(const Inputs::Overridden& overridden) {
    return {{"source", overridden.value.source},
            {"parameter", overridden.value.parameter},
            {"value", overridden.value.value},
            {"overridden_by", {{"source", overridden.by.source},
                               {"parameter", overridden.by.parameter},
                               {"value", overridden.by.value}}}};
}

std::vector<Explained> parse_all(const std::vector<Input>& inputs) {
    std::vector<Explained> explained;
    for (const auto& input : inputs) {
        try {
            explained.push_back({input.source, grammar::parse(input.value)});
        } catch (const ParseError& e) {
            if (input.source == k_argument) {
                throw;
            }
            throw SourcedParseError(e, input.source);
        }
    }
    return explained;
}

/// The warnings of one value: per target (check()), and those of the parser that
/// belong to no single target. A parser warning that check() repeats for a target is
/// given once, on that target, keeping the parser's hint.
struct ValueWarnings {
    std::vector<Warning> value;
    std::vector<std::vector<Warning>> targets;
};

ValueWarnings warnings_of(const grammar::ParseResult& result) {
    ValueWarnings warnings;
    for (const auto& parsed : result.targets) {
        warnings.targets.push_back(check(parsed.target));
    }
    for (const auto& warning : result.warnings) {
        bool repeated = false;
        for (auto& target : warnings.targets) {
            for (auto& own : target) {
                if (own.message == warning.message) {
                    repeated = true;
                    if (own.hint.empty()) {
                        own.hint = warning.hint;
                    }
                }
            }
        }
        if (!repeated) {
            warnings.value.push_back(warning);
        }
    }
    return warnings;
}

void print_json(const std::vector<Explained>& explained, const Inputs& inputs, Output& output) {
    Json json;
    json["targets"] = Json::array();
    json["warnings"] = Json::array();
    json["overridden"] = Json::array();
    for (const auto& overridden : inputs.overridden) {
        json["overridden"].push_back(overridden_json(overridden));
        json["warnings"].push_back(
            warning_json(overridden_warning(overridden.value, overridden.by), std::nullopt));
    }
    std::size_t index = 0;
    for (const auto& value : explained) {
        const auto warnings = warnings_of(value.result);
        for (const auto& warning : warnings.value) {
            json["warnings"].push_back(warning_json(warning, std::nullopt));
        }
        for (std::size_t i = 0; i < value.result.targets.size(); ++i, ++index) {
            const auto& parsed = value.result.targets[i];
            json["targets"].push_back(target_json(parsed.target, value.source, parsed.defaulted));
            for (const auto& warning : warnings.targets[i]) {
                json["warnings"].push_back(warning_json(warning, index));
            }
        }
    }
    output.result() << dump(json);
}

void print_text(const std::vector<Explained>& explained, Output& output) {
    std::size_t count = 0;
    for (const auto& value : explained) {
        count += value.result.targets.size();
    }
    std::size_t number = 0;
    for (const auto& value : explained) {
        for (const auto& parsed : value.result.targets) {
            ++number;
            if (number > 1) {
                output.result() << '\n';
            }
            // Values come from files and arguments: a newline or an escape in an
            // interface name must not reach the terminal as such.
            output.result() << fmt::format("target {} ({}): {}\n", number,
                                           printable(value.source), printable(parsed.text));
            for (const auto& field : explain_fields(parsed)) {
                output.result() << fmt::format("  {:<12} {}\n", field.label,
                                               printable(field.text));
            }
        }
    }
    number = 0;
    for (const auto& value : explained) {
        const auto warnings = warnings_of(value.result);
        for (const auto& warning : warnings.value) {
            output.warning(warning, value.source == k_argument ? "" : value.source);
        }
        for (const auto& target : warnings.targets) {
            ++number;
            const auto where = count > 1 ? fmt::format("target {}", number) : std::string();
            for (const auto& warning : target) {
                output.warning(warning, where);
            }
        }
    }
}

} // namespace

SourcedParseError::SourcedParseError(const ParseError& error, std::string source)
    : ParseError(error.what(), error.hint(), error.offset(), error.at()),
      m_source(std::move(source)) {}

std::vector<std::optional<std::size_t>> overridden_values(
    const std::vector<ConfiguredValue>& values) {
    std::vector<grammar::ValueStore> stores;
    for (const auto& value : values) {
        stores.push_back(value.source == "/proc/cmdline" ? grammar::ValueStore::kernel_cmdline
                                                         : grammar::ValueStore::module_options);
    }
    return grammar::overridden_by(stores);
}

Warning overridden_warning(const ConfiguredValue& value, const ConfiguredValue& by) {
    const bool cmdline = value.source == "/proc/cmdline";
    return {fmt::format("{}: {}={} has no effect: the kernel keeps only the last value of {}, "
                        "{}={}{}",
                        value.source, value.parameter, value.value,
                        cmdline ? "the command line" : "the module options", by.parameter,
                        by.value, by.source == value.source ? "" : " in " + by.source),
            "give every target in one value, separated by ';'"};
}

std::vector<FieldExplanation> explain_fields(const grammar::ParsedTarget& parsed) {
    const Target& t = parsed.target;
    std::vector<FieldExplanation> fields;
    if (t.extended) {
        fields.push_back({"extended", fmt::format("yes{} — messages carry the log level, sequence "
                                                  "number and timestamp (extended format)",
                                                  mark(parsed, Field::extended))});
    } else {
        fields.push_back(
            {"extended", fmt::format("no{} — plain messages (a kernel built with "
                                     "CONFIG_NETCONSOLE_EXTENDED_LOG=y extends them anyway)",
                                     mark(parsed, Field::extended))});
    }
    if (t.release) {
        fields.push_back({"release", fmt::format("yes{} — each message starts with the kernel "
                                                 "release (Linux {}+)",
                                                 mark(parsed, Field::release),
                                                 to_string(added_in::release))});
    } else {
        fields.push_back({"release", fmt::format("no{} — messages do not carry the kernel release",
                                                 mark(parsed, Field::release))});
    }
    fields.push_back(
        {"local port", fmt::format("{}{}", t.local_port, mark(parsed, Field::local_port))});
    fields.push_back({"local IP", explain_local_ip(parsed)});
    fields.push_back({"device", explain_device(parsed)});
    fields.push_back(
        {"remote port", fmt::format("{}{}", t.remote_port, mark(parsed, Field::remote_port))});
    fields.push_back(
        {"remote IP", fmt::format("{} — sent straight out of {}, never routed", t.remote_ip,
                                  describe(t.device))});
    fields.push_back({"remote MAC", explain_remote_mac(parsed)});
    fields.push_back({"full form", grammar::format(t)});
    return fields;
}

Command setup_explain(CLI::App& app) {
    auto options = std::make_shared<ExplainOptions>();
    auto* explain = app.add_subcommand("explain", k_description);
    explain
        ->add_option_function<std::string>(
            "VALUE", [options](const std::string& value) { options->value = value; },
            "netconsole=..., netconsole.netconsole=... or the bare value; without it, the "
            "values in /proc/cmdline and /etc/modprobe.d/*.conf")
        ->type_name("");
    explain->footer(k_examples);
    return {explain, [options](const Context& c) { run_explain(*options, c); }};
}

void run_explain(const ExplainOptions& options, const Context& context) {
    const auto inputs = collect_inputs(options, context);
    const auto explained = parse_all(inputs.values);
    if (context.global.json) {
        print_json(explained, inputs, context.output);
        return;
    }
    for (const auto& overridden : inputs.overridden) {
        context.output.warning(overridden_warning(overridden.value, overridden.by));
    }
    if (explained.empty()) {
        context.output.result()
            << "no netconsole value in /proc/cmdline or /etc/modprobe.d/*.conf\n";
        return;
    }
    const bool any_target = std::any_of(explained.begin(), explained.end(), [](const auto& v) {
        return !v.result.targets.empty();
    });
    if (!any_target) {
        // The kernel skips an empty netconsole= value without a message.
        context.output.result() << "the value is empty: the kernel sets up no target\n";
        return;
    }
    print_text(explained, context.output);
    if (options.value && !boot_stage(*options.value).empty()) {
        context.output.result() << '\n' << boot_stage(*options.value) << '\n';
    }
}

std::string boot_stage(std::string_view value) {
    // Which part of boot acts on each spelling of the parameter on the kernel
    // command line (initramfs-tools' init: `modprobe netconsole netconsole=<value>`
    // for a plain netconsole=; kmod reads only <module>.<parameter>= from
    // /proc/cmdline).
    if (value.starts_with("netconsole.netconsole=")) {
        return "netconsole.netconsole= on the kernel command line: a built-in netconsole "
               "reads it as the kernel boots; the module takes it when something loads it "
               "(modprobe reads it from /proc/cmdline), usually systemd-modules-load after "
               "the root is mounted; initramfs-tools' init does not act on it (it does on "
               "netconsole=)";
    }
    if (value.starts_with("netconsole=")) {
        return "netconsole= on the kernel command line: a built-in netconsole reads it as the "
               "kernel boots; the module gets it only from initramfs-tools' init (modprobe "
               "netconsole netconsole=...), before the root is mounted; a module loaded later, "
               "or by dracut, does not see it (it takes netconsole.netconsole=)";
    }
    return {};
}

} // namespace ncs::cli
