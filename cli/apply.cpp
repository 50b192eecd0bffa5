#include "apply.hpp"

#include "apply/apply.hpp"
#include "apply_config.hpp"
#include "crash_report.hpp"
#include "json.hpp"
#include "list.hpp"
#include "reconcile_run.hpp"
#include "resolve/resolver.hpp"
#include "system/configfs.hpp"
#include "system/kmod.hpp"
#include "system/printk.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <memory>
#include <ostream>
#include <set>

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

int parse_loglevel(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value < 1 || value > 8) {
        throw InputError(fmt::format("--loglevel: '{}' is not a console log level", text),
                         "a level from 1 to 8; messages below it reach the console (8: all)");
    }
    return value;
}

std::string describe(const apply::Operation& op, apply::Outcome outcome) {
    using Kind = apply::Operation::Kind;
    switch (op.kind) {
    case Kind::make_directory:
        return op.path.empty() ? "mkdir" : fmt::format("mkdir {}", printable(op.path));
    case Kind::remove_directory:
        return op.path.empty() ? "rmdir" : fmt::format("rmdir {}", printable(op.path));
    case Kind::write:
        break;
    }
    if (op.path == "enabled") {
        return op.value == "1" ? "enabled" : "disabled";
    }
    if (outcome == apply::Outcome::created || op.previous.empty()) {
        return fmt::format("{} {}", printable(op.path), printable(op.value));
    }
    return fmt::format("{} {} (was {})", printable(op.path), printable(op.value),
                       printable(op.previous));
}

Json operation_json(const apply::Operation& op) {
    using Kind = apply::Operation::Kind;
    Json json;
    json["op"] = op.kind == Kind::write            ? "write"
                 : op.kind == Kind::make_directory ? "mkdir"
                                                   : "rmdir";
    json["path"] = op.path;
    if (op.kind == Kind::write) {
        json["value"] = op.value;
        json["previous"] = op.previous;
    }
    return json;
}

} // namespace

UserdataEntry parse_userdata(std::string_view text) {
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        throw InputError(fmt::format("--userdata: '{}' is not KEY=VALUE", text),
                         "for example --userdata host=web1");
    }
    return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

Sysdata parse_sysdata(std::string_view text) {
    Sysdata sysdata;
    if (text.empty()) {
        return sysdata;
    }
    while (true) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        if (item == "cpu_nr") {
            sysdata.cpu_nr = true;
        } else if (item == "taskname") {
            sysdata.taskname = true;
        } else if (item == "release") {
            sysdata.release = true;
        } else if (item == "msgid") {
            sysdata.msgid = true;
        } else {
            throw InputError(fmt::format("--sysdata: unknown switch '{}'", item),
                             "the switches are cpu_nr, taskname, release and msgid");
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return sysdata;
}

LiveKernel require_kernel_admin(const Context& context, std::string_view verb,
                                std::string_view arguments) {
    auto kernel = context.root.live_kernel(fmt::format("'{}'", verb));
    if (!has_sys_admin_capability()) {
        throw OperationError(fmt::format("{} changes the running kernel and needs root "
                                         "(CAP_SYS_ADMIN)",
                                         verb),
                             arguments.empty()
                                 ? fmt::format("run it as root: sudo {} {} ...", k_program, verb)
                                 : fmt::format("run it as root: sudo {} {}", k_program, arguments));
    }
    return kernel;
}

void add_message_data_options(CLI::App& command, std::vector<std::string>& userdata,
                              std::optional<std::string>& sysdata) {
    command.add_option("--userdata", userdata,
                       fmt::format("Extra KEY=VALUE line in every extended message (Linux {}+); "
                                   "repeatable",
                                   to_string(added_in::userdata)))
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    command
        .add_option_function<std::string>(
            "--sysdata", [&sysdata](const std::string& v) { sysdata = v; },
            fmt::format("Switches to turn on: cpu_nr,taskname,release (Linux {}+), msgid ({}+)",
                        to_string(added_in::sysdata), to_string(added_in::msgid)))
        ->type_name("LIST");
}

Command setup_apply(CLI::App& app) {
    auto options = std::make_shared<ApplyOptions>();
    auto* apply = app.add_subcommand("apply", k_description);
    add_target_options(*apply, options->target);
    apply
        ->add_option_function<std::string>(
            "--name", [o = options.get()](const std::string& v) { o->name = v; },
            "The configfs target's name (default ncs-<remote IP>-<port>); cmdlineN adopts "
            "a boot-time target")
        ->type_name("NAME");
    apply
        ->add_option_function<std::string>(
            "--loglevel", [o = options.get()](const std::string& v) { o->loglevel = v; },
            "Also set the console log level, as dmesg -n does (1-8)")
        ->type_name("N");
    add_message_data_options(*apply, options->userdata, options->sysdata);
    // issue 6: the boot-time configuration file (cli/apply_config.cpp).
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
        if (!options.target.to.empty() || options.name || options.loglevel ||
            !options.userdata.empty() || options.sysdata) {
            throw InputError("--config takes the targets from the file only",
                             "put the options on the file's lines");
        }
        run_apply_config(*options.config, context, options.dry_run);
        return;
    }
    // Everything the user typed is checked before anything is touched.
    const auto desired =
        desired_from_options(options.target, options.name, options.userdata, options.sysdata);
    std::optional<int> loglevel;
    if (options.loglevel) {
        loglevel = parse_loglevel(*options.loglevel);
    }
    if (options.dry_run) {
        if (loglevel) {
            throw InputError("--dry-run shows the targets' plan; --loglevel would change the "
                             "kernel",
                             "leave out --loglevel");
        }
        warn_if_panic_lost(context);
        print_plan(reconcile::plan(resolve_desired(desired, context, false),
                                   read_live_state(context)),
                   context);
        return;
    }

    // Resolution only reads the kernel's tables (a neighbour probe aside); after it
    // the kernel changes. Under --root nothing of it happens.
    const auto kernel = require_kernel_admin(context, "apply");
    warn_if_panic_lost(context);
    const auto wanted = resolve_desired(desired, context, false);

    prepare_kernel(kernel, context);
    SystemConfigfsFiles files(kernel);
    const auto dir = netconsole_dir(context.root);
    const auto reports =
        reconcile::apply_plan(files, dir, reconcile::plan(wanted, reconcile::read_live(files, dir)));
    if (loglevel) {
        set_console_loglevel(kernel, *loglevel);
    }

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
                           apply::to_string(report.outcome),
                           fmt::join(done, ", "));
    }
    if (loglevel) {
        out << fmt::format("console log level set to {}\n", *loglevel);
    }
}

} // namespace ncs::cli
