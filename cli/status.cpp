#include "status.hpp"

#include "crash_report.hpp"
#include "json.hpp"
#include "options.hpp"
#include "ops/apply.hpp"
#include "ops/config.hpp"
#include "ops/inspect.hpp"
#include "plan_render.hpp"
#include "target_options.hpp"
#include "target_words.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>

namespace ncs::cli {
namespace {

using ops::Status;
using ops::TargetInspection;

constexpr const char* k_description =
    "Show netconsole's module, configfs, targets, console log level and configuration";

constexpr const char* k_examples = R"(Examples:
  netconsole-setup status
  netconsole-setup status --json
  # an installed system, from a rescue shell
  netconsole-setup status --root /mnt/sysimage)";

std::string module_text(const ModuleState& module) {
    switch (module.kind()) {
    case ModuleKind::builtin:
        return "built into the kernel";
    case ModuleKind::loaded:
        return "module loaded";
    case ModuleKind::loadable:
        return "module available, not loaded";
    case ModuleKind::absent:
        break;
    }
    if (module.index_found && !module.builtin_index_found) {
        return "absent: not in modules.dep, and no modules.builtin says it is built in";
    }
    return module.index_found ? "absent: no netconsole module for this kernel"
                              : fmt::format("unknown: no module index for kernel {}",
                                            module.release);
}

/// Enabled targets whose messages the kernel drops silently (device down, no carrier).
void add_target_warnings(const Status& status, std::vector<Warning>& warnings) {
    for (const auto& part : status.targets.targets) {
        if (part.target) {
            if (auto warning = condition_warning(*part.target, part.report)) {
                warnings.push_back(std::move(*warning));
            }
        }
    }
}

/// The warnings status gives: what stops netconsole from sending, and the console level.
std::vector<Warning> status_warnings(const Status& status) {
    std::vector<Warning> warnings;
    if (status.no_netconsole) {
        warnings.push_back({"this kernel has no netconsole", "install a kernel built with "
                                                             "CONFIG_NETCONSOLE"});
    }
    if (status.configfs_unmounted) {
        warnings.push_back({"configfs is not mounted on /sys/kernel/config",
                            "'netconsole-setup apply' mounts it"});
    }
    add_target_warnings(status, warnings);
    if (status.lost_panic) {
        if (auto warning = panic_warning(*status.lost_panic)) {
            warnings.push_back(std::move(*warning));
        }
    }
    warnings.insert(warnings.end(), status.console_warnings.begin(),
                    status.console_warnings.end());
    if (const auto& configured = status.configured.value) {
        const auto& overridden = status.overridden;
        for (std::size_t i = 0; i < configured->size(); ++i) {
            if (overridden[i]) {
                warnings.push_back(
                    overridden_warning((*configured)[i], (*configured)[*overridden[i]]));
            }
        }
    }
    return warnings;
}

/// A target's JSON as `list --json` gives it, or {"name", "error"}.
Json target_part_json(const TargetInspection& part, std::optional<KernelVersion> kernel) {
    if (!part.target) {
        return Json{{"name", part.name}, {"error", in_flags(part.error)}};
    }
    auto json = configfs_target_json(*part.target);
    add_condition_json(json, *part.target, part.report, kernel);
    json["panic"] = verdict_json(part.crash.panic);
    json["oops"] = verdict_json(part.crash.oops);
    return json;
}

Json status_json(const Status& status, const std::vector<Warning>& warnings) {
    Json json;
    if (const auto& module = status.module.value) {
        json["module"] = {{"state", to_string(module->kind())},
                          {"release", module->release},
                          {"builtin", module->builtin},
                          {"loadable", module->loadable},
                          {"loaded", module->loaded},
                          {"index_found", module->index_found},
                          {"builtin_index_found", module->builtin_index_found}};
    } else {
        json["module"] = {{"error", in_flags(status.module.error)}};
    }
    json["configfs_mounted"] = status.configfs_mounted.value
                                   ? Json(*status.configfs_mounted.value)
                                   : Json(nullptr);
    json["crash"] = crash_settings_json(status.crash);
    json["dynamic_targets"] = status.targets.present;
    json["targets"] = Json::array();
    for (const auto& part : status.targets.targets) {
        json["targets"].push_back(target_part_json(part, status.targets.kernel));
    }
    if (const auto& printk = status.printk.value) {
        json["printk"] = {{"console_loglevel", printk->console_loglevel},
                          {"default_message_loglevel", printk->default_message_loglevel},
                          {"minimum_console_loglevel", printk->minimum_console_loglevel},
                          {"default_console_loglevel", printk->default_console_loglevel}};
    } else {
        json["printk"] = {{"error", in_flags(status.printk.error)}};
    }
    json["configured"] = Json::array();
    if (const auto& configured = status.configured.value) {
        const auto& overridden = status.overridden;
        for (std::size_t i = 0; i < configured->size(); ++i) {
            const auto& found = (*configured)[i];
            json["configured"].push_back({{"source", found.source},
                                          {"parameter", found.parameter},
                                          {"value", found.value},
                                          {"effective", !overridden[i].has_value()}});
        }
    }
    json["errors"] = Json::array();
    for (const auto* error : {&status.module.error, &status.configfs_mounted.error,
                              &status.printk.error, &status.configured.error}) {
        if (!error->empty()) {
            json["errors"].push_back(in_flags(*error));
        }
    }
    json["warnings"] = Json::array();
    for (const auto& warning : warnings) {
        json["warnings"].push_back(warning_json(warning, std::nullopt));
    }
    return json;
}

/// "  NAME enabled|disabled: ... dev DEV", then why it does not send.
void print_target(const TargetInspection& part, std::optional<KernelVersion> kernel,
                  std::ostream& out) {
    const auto& t = *part.target;
    out << fmt::format("  {} {}: {}{} -> {}:{} via {} dev {}\n", printable(t.name),
                       t.enabled ? "enabled" : "disabled", t.extended ? "extended, " : "",
                       fmt::format("from {}:{}", t.local_ip, t.local_port), t.remote_ip,
                       t.remote_port, t.remote_mac, printable(t.dev_name));
    if (const auto reason = condition_text(t, part.report, kernel); !reason.empty()) {
        out << fmt::format("    {}\n", printable(reason));
    }
    out << fmt::format("    panic: {}\n", verdict_text(part.crash.panic));
    if (part.crash.oops != part.crash.panic) {
        out << fmt::format("    oops: {}\n", verdict_text(part.crash.oops));
    }
}

void print_status(const Status& status, std::ostream& out) {
    // An error names paths under --root, and a release comes from a directory's name.
    const auto unknown = [](const std::string& error) {
        return "unknown (" + printable(in_flags(error)) + ")";
    };
    out << fmt::format("netconsole:       {}\n", status.module.value
                                                     ? printable(module_text(*status.module.value))
                                                     : unknown(status.module.error));
    out << fmt::format("configfs:         {}\n",
                       !status.configfs_mounted.value ? unknown(status.configfs_mounted.error)
                       : *status.configfs_mounted.value ? "mounted on /sys/kernel/config"
                                                        : "not mounted");
    if (!status.targets.present) {
        out << "targets:          none (/sys/kernel/config/netconsole does not exist)\n";
    } else if (status.targets.targets.empty()) {
        out << "targets:          none\n";
    } else {
        out << "targets:\n";
    }
    for (const auto& part : status.targets.targets) {
        if (!part.target) {
            out << fmt::format("  {}: unreadable ({})\n", printable(part.name),
                               printable(in_flags(part.error)));
            continue;
        }
        print_target(part, status.targets.kernel, out);
    }
    if (status.targets.present) {
        out << "  (boot-time targets cmdline0... show only once adopted: "
               "'apply --name cmdline0')\n";
    }
    if (const auto& printk = status.printk.value) {
        const int highest = std::clamp(printk->console_loglevel - 1, 0, 7);
        out << fmt::format("console loglevel: {} (levels 0-{}, emerg..{}, are sent)\n",
                           printk->console_loglevel, highest, loglevel_name(highest));
    } else {
        out << fmt::format("console loglevel: {}\n", unknown(status.printk.error));
    }
    if (!status.configured.value) {
        out << fmt::format("configured:       {}\n", unknown(status.configured.error));
    } else if (status.configured.value->empty()) {
        out << "configured:       nothing in /proc/cmdline or /etc/modprobe.d\n";
    } else {
        out << "configured:\n";
        const auto& configured = *status.configured.value;
        const auto& overridden = status.overridden;
        for (std::size_t i = 0; i < configured.size(); ++i) {
            const auto& found = configured[i];
            out << fmt::format("  {}: {}={}{}\n", printable(found.source),
                               printable(found.parameter), printable(found.value),
                               overridden[i] ? " (no effect: a later value replaces it)" : "");
        }
    }
}

} // namespace

Command setup_status(CLI::App& app) {
    auto options = std::make_shared<StatusOptions>();
    auto* status = app.add_subcommand("status", k_description);
    status->add_flag("--check", options->check,
                     "Exit 1 when configfs differs from what the configuration resolves to now");
    status->add_flag("--check-panic", options->check_panic,
                     "Exit 1 when a panic would not reach the doctor of an enabled target");
    status
        ->add_option_function<std::string>(
            "--config", [o = options.get()](const std::string& v) { o->config = v; },
            "The configuration --check compares with (default /etc/netconsole-setup.conf)")
        ->type_name("FILE");
    status->footer(k_examples);
    return {status, [options](const Context& c) { run_status(*options, c); }};
}

namespace {

/// --check-panic: an OperationError (exit 1) naming the first enabled target whose panic
/// is lost, or whose fate cannot be told.
void check_panic(const Status& status) {
    const auto& lost = status.lost_panic;
    if (!lost) {
        return;
    }
    const auto warning = panic_warning(*lost);
    if (!warning) {
        throw OperationError(fmt::format("cannot tell whether a panic reaches the doctor: {}",
                                         loss_text(*lost)));
    }
    throw OperationError(warning->message, warning->hint);
}

// `status --check` (issue 13): drift between configfs and what the configuration
// resolves to now, for monitoring and configuration management's changed_when.
void run_status_check(const StatusOptions& options, const Context& context) {
    const auto file = options.config ? *options.config : std::string(ops::k_default_config_path);
    auto configuration = ops::read_configuration(file, context.root);
    // A dry run: resolved and planned against configfs, nothing written.
    const auto request = ops::make_apply_request(std::move(configuration.targets), std::nullopt,
                                                 context.root, ops::NameEach::always);
    if (!configuration.note.empty()) {
        context.output.note(configuration.note);
    }
    auto result = ops::apply(request);
    result.crash = {}; // status reports the crash verdict itself
    report_progress(result, context);
    const auto& plan = *result.plan;
    // Drift is an error (exit 1), and an error is one line: it names the first
    // difference; with none, the result is one line (or object) per target.
    using Kind = reconcile::TargetPlan::Kind;
    std::size_t drifted = 0;
    std::string first;
    for (const auto& t : plan.targets) {
        if (t.kind != Kind::create && t.kind != Kind::update) {
            continue;
        }
        if (drifted++ == 0) {
            first = t.kind == Kind::create || t.changes.empty()
                        ? fmt::format("target {} is missing from configfs", t.name)
                        : fmt::format("target {} differs: {}", t.name,
                                      change_text(t.changes.front()));
        }
    }
    if (drifted > 0) {
        throw OperationError(
            drifted == 1 ? fmt::format("{} (configuration {})", first, file)
                         : fmt::format("{} of {} targets differ from {}; {}", drifted,
                                       plan.targets.size(), file, first),
            fmt::format("netconsole-setup apply --config {} makes configfs hold it", file));
    }
    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (const auto& t : plan.targets) {
            json["targets"].push_back({{"name", t.name}, {"in_sync", true}});
        }
        json["drift"] = false;
        context.output.result() << dump(json);
        return;
    }
    for (const auto& t : plan.targets) {
        context.output.result() << fmt::format("target {}: in sync\n", printable(t.name));
    }
}

} // namespace

void run_status(const StatusOptions& options, const Context& context) {
    if (options.check || options.config) {
        if (options.check_panic) {
            check_panic(ops::read_status(context.root)); // before --check prints its lines
        }
        run_status_check(options, context);
        return;
    }
    const auto status = ops::read_status(context.root);
    for (const auto& warning : status.skipped) {
        context.output.warning(warning);
    }
    // A failed check is the error alone (stdout empty), as --check's drift is.
    if (options.check_panic) {
        check_panic(status);
    }
    const auto warnings = status_warnings(status);
    if (context.global.json) {
        context.output.result() << dump(status_json(status, warnings));
        return;
    }
    for (const auto& warning : warnings) {
        context.output.warning(warning);
    }
    print_status(status, context.output.result());
}

} // namespace ncs::cli
