#include "reconcile_run.hpp"

#include "apply.hpp"
#include "apply/prepare.hpp"
#include "json.hpp"
#include "resolve/resolver.hpp"
#include "system/configfs.hpp"
#include "system/kmod.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ostream>
#include <set>

namespace ncs::cli {

std::vector<reconcile::DesiredTarget> desired_from_options(
    const TargetOptions& options, const std::optional<std::string>& name,
    const std::vector<std::string>& userdata, const std::optional<std::string>& sysdata) {
    const auto requests = make_requests(options);
    if (name && requests.size() != 1) {
        throw InputError("--name needs exactly one --to",
                         "apply the targets one at a time to name each");
    }
    std::vector<reconcile::DesiredTarget> desired;
    for (const auto& request : requests) {
        reconcile::DesiredTarget d;
        d.where = "command line";
        d.request = request;
        d.name = name;
        for (const auto& text : userdata) {
            d.userdata.push_back(parse_userdata(text));
        }
        if (sysdata) {
            d.sysdata = parse_sysdata(*sysdata);
        }
        desired.push_back(std::move(d));
    }
    reconcile::validate(desired);
    return desired;
}

std::vector<reconcile::Wanted> resolve_desired(const std::vector<reconcile::DesiredTarget>& desired,
                                               const Context& context, bool name_each) {
    std::vector<TargetRequest> requests;
    for (const auto& d : desired) {
        requests.push_back(d.request);
    }
    // Every failing target is reported, -v steps before an error (resolve_every).
    const auto resolutions = resolve_every(requests, context);
    std::vector<reconcile::Wanted> wanted;
    std::set<std::string> names;
    for (std::size_t i = 0; i < resolutions.size(); ++i) {
        auto target = reconcile::finish(desired[i], resolutions[i]);
        if (!names.insert(target.name).second) {
            const auto message = fmt::format("two targets would be named {}", target.name);
            throw InputError(desired[i].where == "command line"
                                 ? message
                                 : fmt::format("{}: {}", desired[i].where, message),
                             "give each its own --name, or another address or port");
        }
        const std::string label = name_each || resolutions.size() > 1 ? target.name : "";
        for (const auto& step : resolutions[i].steps) {
            context.output.step(step, label);
        }
        for (const auto& w : reconcile::warnings_of(desired[i], resolutions[i], target)) {
            // apply sees the kernel's features in configfs and fails with the version a
            // missing one needs, so the "needs Linux X" warnings would only repeat it.
            if (w.kind != reconcile::WarningKind::needs_newer_kernel) {
                context.output.warning(w.warning, label);
            }
        }
        reconcile::Wanted w;
        w.name = target.name;
        w.target = std::move(target);
        wanted.push_back(std::move(w));
    }
    return wanted;
}

void prepare_kernel(const LiveKernel& kernel, const Context& context) {
    const SystemConfigfsFiles files(kernel);
    SystemKernelModules modules(kernel, context.root);
    for (const auto& step : apply::prepare_kernel(files, modules, netconsole_dir(context.root))) {
        context.output.step({step, {}});
    }
}

reconcile::Live read_live_state(const Context& context) {
    const SystemConfigfsFiles files(context.root);
    const auto dir = netconsole_dir(context.root);
    if (!files.is_directory(dir)) {
        return {false, {}, {}};
    }
    return reconcile::read_live(files, dir);
}

std::string change_text(const reconcile::Change& c) {
    auto text = fmt::format("{} {} → {}", c.attribute, c.before.empty() ? "(none)" : c.before,
                            c.after);
    if (!c.reason.empty()) {
        text += fmt::format(" ({})", c.reason);
    }
    return text;
}

std::string created_text(const reconcile::TargetPlan& target) {
    std::vector<std::string> values;
    for (const auto& c : target.changes) {
        if (c.attribute != "enabled") {
            values.push_back(fmt::format("{} {}", c.attribute, c.after));
        }
    }
    return fmt::format("{}", fmt::join(values, ", "));
}

void print_plan(const reconcile::Plan& plan, const Context& context) {
    using Kind = reconcile::TargetPlan::Kind;
    if (context.global.json) {
        Json json;
        json["targets"] = Json::array();
        for (const auto& t : plan.targets) {
            Json target{{"name", t.name},
                        {"plan", std::string(reconcile::to_string(t.kind))},
                        {"changed", t.kind == Kind::create || t.kind == Kind::update}};
            target["changes"] = Json::array();
            for (const auto& c : t.changes) {
                target["changes"].push_back(
                    {{"attribute", c.attribute}, {"before", c.before}, {"after", c.after}});
            }
            json["targets"].push_back(std::move(target));
        }
        json["dry_run"] = true;
        context.output.result() << dump(json);
        return;
    }
    auto& out = context.output.result();
    for (const auto& t : plan.targets) {
        switch (t.kind) {
        case Kind::create:
            out << fmt::format("target {}: would create: {}\n", printable(t.name),
                               printable(created_text(t)));
            break;
        case Kind::update:
            for (const auto& c : t.changes) {
                out << fmt::format("target {}: would change {}\n", printable(t.name),
                                   printable(change_text(c)));
            }
            break;
        case Kind::unchanged:
            out << fmt::format("target {}: unchanged, nothing to write\n", printable(t.name));
            break;
        case Kind::keep:
            out << fmt::format("target {}: left as it is\n", printable(t.name));
            break;
        }
    }
    out.flush();
}

} // namespace ncs::cli
