#include "explain.hpp"

#include "json.hpp"
#include "system/config_sources.hpp"

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
        return fmt::format("the device with MAC {} (Linux 6.15+; older kernels take the text "
                           "as an interface name)",
                           *mac);
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

std::vector<Input> collect_inputs(const ExplainOptions& options, const Context& context) {
    std::vector<Input> inputs;
    if (options.value) {
        inputs.push_back(
            {std::string(k_argument), std::string(grammar::strip_parameter_name(*options.value))});
        return inputs;
    }
    std::vector<Warning> skipped;
    for (auto& found : find_configured_values(context.root, &skipped)) {
        inputs.push_back({std::move(found.source), std::move(found.value)});
    }
    for (const auto& warning : skipped) {
        context.output.warning(warning);
    }
    return inputs;
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

void print_json(const std::vector<Explained>& explained, Output& output) {
    Json json;
    json["targets"] = Json::array();
    json["warnings"] = Json::array();
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
            output.result() << fmt::format("target {} ({}): {}\n", number, value.source,
                                           parsed.text);
            for (const auto& field : explain_fields(parsed)) {
                output.result() << fmt::format("  {:<12} {}\n", field.label, field.text);
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
                                                 "release (Linux 6.6+)",
                                                 mark(parsed, Field::release))});
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
    const auto explained = parse_all(collect_inputs(options, context));
    if (context.global.json) {
        print_json(explained, context.output);
        return;
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
}

} // namespace ncs::cli
