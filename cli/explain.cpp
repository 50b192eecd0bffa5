#include "explain.hpp"

#include "json.hpp"
#include "ops/explain.hpp"
#include "target_words.hpp"

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

Json overridden_json(const ops::OverriddenValue& overridden) {
    return {{"source", overridden.value.source},
            {"parameter", overridden.value.parameter},
            {"value", overridden.value.value},
            {"overridden_by", {{"source", overridden.by.source},
                               {"parameter", overridden.by.parameter},
                               {"value", overridden.by.value}}}};
}

void print_json(const ops::Explanation& explanation, Output& output) {
    Json json;
    json["targets"] = Json::array();
    json["warnings"] = Json::array();
    json["overridden"] = Json::array();
    for (const auto& overridden : explanation.overridden) {
        json["overridden"].push_back(overridden_json(overridden));
        json["warnings"].push_back(
            warning_json(overridden_warning(overridden.value, overridden.by), std::nullopt));
    }
    std::size_t index = 0;
    for (const auto& value : explanation.values) {
        for (const auto& warning : value.warnings) {
            json["warnings"].push_back(warning_json(warning, std::nullopt));
        }
        for (std::size_t i = 0; i < value.result.targets.size(); ++i, ++index) {
            const auto& parsed = value.result.targets[i];
            json["targets"].push_back(target_json(parsed.target, value.source, parsed.defaulted));
            for (const auto& warning : value.target_warnings[i]) {
                json["warnings"].push_back(warning_json(warning, index));
            }
        }
    }
    output.result() << dump(json);
}

void print_text(const std::vector<ops::ExplainedValue>& explained, Output& output) {
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
        for (const auto& warning : value.warnings) {
            output.warning(warning, value.source == ops::k_given_value ? "" : value.source);
        }
        for (const auto& target : value.target_warnings) {
            ++number;
            const auto where = count > 1 ? fmt::format("target {}", number) : std::string();
            for (const auto& warning : target) {
                output.warning(warning, where);
            }
        }
    }
}

} // namespace

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
    const auto explanation = ops::explain(context.root, {options.value});
    for (const auto& warning : explanation.skipped) {
        context.output.warning(warning);
    }
    if (explanation.rejected) {
        throw *explanation.rejected;
    }
    if (context.global.json) {
        print_json(explanation, context.output);
        return;
    }
    for (const auto& overridden : explanation.overridden) {
        context.output.warning(overridden_warning(overridden.value, overridden.by));
    }
    const auto& explained = explanation.values;
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
