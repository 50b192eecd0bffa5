#include "plan_render.hpp"

#include "crash_report.hpp"
#include "options.hpp"
#include "target_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ncs::cli {

std::string change_text(const reconcile::Change& c) {
    auto text = fmt::format("{} {} → {}", c.attribute, c.before.empty() ? "(none)" : c.before,
                            c.after);
    if (!c.reason.empty()) {
        text += fmt::format(" ({})", in_flags(c.reason));
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

void write_plan_lines(std::ostream& out, const reconcile::TargetPlan& t, Tense tense) {
    using Kind = reconcile::TargetPlan::Kind;
    const bool would = tense == Tense::would;
    if (t.kind == Kind::create) {
        out << fmt::format("target {}: {}create: {}\n", printable(t.name), would ? "would " : "",
                           printable(created_text(t)));
    } else if (t.kind == Kind::update) {
        for (const auto& c : t.changes) {
            out << fmt::format("target {}: {}{}\n", printable(t.name),
                               would ? "would change " : "", printable(change_text(c)));
        }
    }
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
        case Kind::update:
            write_plan_lines(out, t, Tense::would);
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

void report_progress(const ops::ApplyResult& result, const Context& context) {
    warn_if_panic_lost(result.crash, context);
    for (const auto& resolution : result.resolutions) {
        for (const auto& step : resolution.steps) {
            context.output.step(step, resolution.label);
        }
        for (const auto& w : resolution.warnings) {
            context.output.warning(w.warning, resolution.label);
        }
    }
    if (!result.failures.empty()) {
        throw_failures(result.failures);
    }
    for (const auto& step : result.prepared) {
        context.output.step({step, {}});
    }
    if (result.error) {
        std::rethrow_exception(result.error);
    }
}

} // namespace ncs::cli
