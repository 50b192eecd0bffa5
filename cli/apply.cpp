#include "apply.hpp"

#include "json.hpp"
#include "kernel_admin.hpp"
#include "level_option.hpp"
#include "ops/apply.hpp"
#include "ops/config.hpp"
#include "plan_render.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <ostream>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Create or update netconsole targets in configfs and enable them (needs root)";

constexpr const char* k_examples = R"(Examples:
  # look up route, source and next hop; target ncs-192-0-2-5-6666
  netconsole-setup apply --to 192.0.2.5
  # extended format with userdata, own name, console log level 8 (debug)
  netconsole-setup apply --to 192.0.2.5 --name doctor --extended \
      --userdata host=web1 --sysdata taskname --loglevel 8
  # adopt the boot-time target given by netconsole= (Linux {}+)
  netconsole-setup apply --name cmdline0 --to 192.0.2.5

A repeated apply with the same values writes nothing. userdata and sysdata are
made exactly the ones given. When a write fails, every change is undone.)";

/// What apply did: per target its outcome and the operations written (or "unchanged"),
/// and the console level set.
void print_reports(const ops::ApplyResult& result, const Context& context) {
    const auto& reports = result.reports;
    const auto& loglevel = result.console_level;
    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (const auto& report : reports) {
            Json target;
            target["name"] = report.name;
            target["outcome"] = apply::to_string(report.outcome);
            target["changed"] = report.outcome != apply::Outcome::unchanged;
            target["operations"] = Json::array();
            for (const auto& op : report.operations) {
                target["operations"].push_back(operation_json(op));
            }
            target["attributes"] = configfs_target_json(report.after);
            json["targets"].push_back(std::move(target));
        }
        json["console_loglevel"] = loglevel ? Json(*loglevel) : Json(nullptr);
        context.output.result() << dump(json);
        return;
    }
    auto& out = context.output.result();
    for (const auto& report : reports) {
        if (report.operations.empty()) {
            out << fmt::format("target {}: unchanged, nothing written\n", printable(report.name));
            continue;
        }
        std::vector<std::string> done;
        for (const auto& op : report.operations) {
            done.push_back(describe(op, report.outcome));
        }
        out << fmt::format("target {}: {}: {}\n", printable(report.name),
                           apply::to_string(report.outcome), fmt::join(done, ", "));
    }
    if (loglevel) {
        out << fmt::format("console log level set to {}\n", *loglevel);
    }
}

} // namespace

Command setup_apply(CLI::App& app) {
    auto options = std::make_shared<ApplyOptions>();
    auto* apply = app.add_subcommand("apply", k_description);
    add_target_options(*apply, options->target);
    apply
        ->add_option_function<std::string>(
            "--name", [o = options.get()](const std::string& v) { o->target.name = v; },
            "The configfs target's name (default ncs-<remote IP>-<port>); cmdlineN adopts "
            "a boot-time target")
        ->type_name("NAME");
    apply
        ->add_option_function<std::string>(
            "--loglevel", [o = options.get()](const std::string& v) { o->loglevel = v; },
            "Also set the console log level, as dmesg -n does (1-8)")
        ->type_name("N");
    add_message_data_options(*apply, options->target);
    // issue 6: the boot-time configuration file (ops/config.hpp).
    apply
        ->add_option_function<std::string>(
            "--config", [o = options.get()](const std::string& v) { o->config = v; },
            "Targets of FILE (one per line, these options) and /etc/default/netconsole; "
            "removes those it made that are no longer listed")
        ->type_name("FILE");
    apply->add_flag("--dry-run", options->dry_run,
                    "Print what it would write (the plan against configfs now); change nothing");
    apply->footer(fmt::format(fmt::runtime(k_examples), to_string(added_in::cmdline_adoption)));
    return {apply, [options](const Context& c) { run_apply(*options, c); }};
}

void run_apply(const ApplyOptions& options, const Context& context) {
    if (options.config) {
        if (!options.target.to.empty() || options.target.name || options.loglevel ||
            !options.target.userdata.empty() || options.target.sysdata) {
            throw InputError("--config takes the targets from the file only",
                             "put the options on the file's lines");
        }
        run_apply_config(*options.config, context, options.dry_run);
        return;
    }
    // Everything the user typed is checked before anything is touched.
    auto desired = ops::make_desired(options.target);
    std::optional<int> loglevel;
    if (options.loglevel) {
        loglevel = parse_level_option(*options.loglevel, "--loglevel");
        if (options.dry_run) {
            throw InputError("--dry-run shows the targets' plan; --loglevel would change the "
                             "kernel",
                             "leave out --loglevel");
        }
    }
    auto request = ops::make_apply_request(std::move(desired), loglevel, context.root);
    // Resolution only reads the kernel's tables (a neighbour probe aside); after it
    // the kernel changes. Under --root nothing of it happens.
    if (!options.dry_run) {
        request.kernel = require_kernel_admin(context, "apply");
    }
    const auto result = ops::apply(request);
    report_progress(result, context);
    if (options.dry_run) {
        print_plan(*result.plan, context);
        return;
    }
    print_reports(result, context);
}

void run_apply_config(const std::string& file, const Context& context, bool dry_run) {
    // Everything in the files is checked, and every target resolved, before anything
    // is touched.
    auto configuration = ops::read_configuration(file, context.root);
    auto request = ops::make_apply_request(std::move(configuration.targets), std::nullopt,
                                           context.root, ops::NameEach::always,
                                           configuration.complete);
    if (!dry_run) {
        request.kernel = require_kernel_admin(context, "apply");
    }
    if (!configuration.note.empty()) {
        context.output.note(configuration.note);
    }
    const auto result = ops::apply(request);
    report_progress(result, context);
    if (dry_run) {
        print_plan(*result.plan, context);
        return;
    }
    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (const auto& report : result.reports) {
            json["targets"].push_back({{"name", report.name},
                                       {"outcome", apply::to_string(report.outcome)},
                                       {"changed", report.outcome != apply::Outcome::unchanged}});
        }
        json["removed"] = result.removed;
        context.output.result() << dump(json);
        return;
    }
    auto& out = context.output.result();
    for (const auto& report : result.reports) {
        out << fmt::format("target {}: {}\n", printable(report.name),
                           apply::to_string(report.outcome));
    }
    for (const auto& name : result.removed) {
        out << fmt::format("target {}: removed (no longer in the configuration)\n",
                           printable(name));
    }
}

} // namespace ncs::cli
