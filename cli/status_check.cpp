// `status --check` (issue 13): drift between configfs and what the configuration
// resolves to now, for monitoring and configuration management's changed_when.
#include "status.hpp"

#include "json.hpp"
#include "ops/apply.hpp"
#include "plan_render.hpp"
#include "target_options.hpp"

#include <fmt/format.h>

#include <ostream>

namespace ncs::cli {

void run_status_check(const StatusOptions& options, const Context& context) {
    const auto file = options.config ? *options.config : std::string(ops::k_default_config_path);
    auto configuration = read_configuration(file, context.root);
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

} // namespace ncs::cli
