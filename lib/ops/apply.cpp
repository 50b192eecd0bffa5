#include "ops/apply.hpp"

#include "apply/prepare.hpp"
#include "model/console_level.hpp"
#include "model/errors.hpp"
#include "ops/config.hpp"
#include "ops/crash.hpp"
#include "system/configfs.hpp"
#include "system/kmod.hpp"
#include "system/printk.hpp"
#include "system/writer_lock.hpp"

#include <fmt/format.h>

#include <set>

namespace ncs::ops {
namespace {

/// Resolves every desired target and finishes it (reconcile::finish) into result; on
/// the first failure, result says where (failures, or error thrown from here).
std::vector<reconcile::Wanted> resolve_desired(const ApplyRequest& request, ApplyResult& result) {
    const auto& desired = request.desired;
    std::vector<TargetRequest> requests;
    for (const auto& d : desired) {
        requests.push_back(d.request);
    }
    auto resolved = resolve_requests(requests, *request.root);
    if (!resolved.failures.empty()) {
        // How far each got: the steps before the error are the diagnosis.
        for (std::size_t i = 0; i < resolved.attempts.size(); ++i) {
            const auto& attempt = resolved.attempts[i];
            result.resolutions.push_back(
                {request_label(requests, i),
                 attempt.resolution ? attempt.resolution->steps : attempt.steps_before_error,
                 {}});
        }
        result.failures = std::move(resolved.failures);
        return {};
    }
    std::vector<reconcile::Wanted> wanted;
    std::set<std::string> names;
    const bool named = request.name_each == NameEach::always || desired.size() > 1;
    for (std::size_t i = 0; i < desired.size(); ++i) {
        const auto& resolution = *resolved.attempts[i].resolution;
        auto target = reconcile::finish(desired[i], resolution);
        if (!names.insert(target.name).second) {
            InputError error(fmt::format("two targets would be named {}", target.name),
                             fmt::format("give each its own {}, or another address or port",
                                         mention(Field::name)));
            reconcile::locate(error, desired[i]);
            throw error;
        }
        TargetResolution reported{named ? target.name : "", resolution.steps, {}};
        for (auto& w : reconcile::warnings_of(desired[i], resolution, target)) {
            // apply sees the kernel's features in configfs and fails with the version a
            // missing one needs, so the "needs Linux X" warnings would only repeat it.
            if (w.kind != reconcile::WarningKind::needs_newer_kernel) {
                reported.warnings.push_back(std::move(w));
            }
        }
        result.resolutions.push_back(std::move(reported));
        result.listed.push_back(target.name);
        reconcile::Wanted w;
        w.name = target.name;
        w.target = std::move(target);
        wanted.push_back(std::move(w));
    }
    return wanted;
}

void run(const ApplyRequest& request, ApplyResult& result) {
    const auto& root = *request.root;
    const auto wanted = resolve_desired(request, result);
    if (!result.failures.empty()) {
        return;
    }
    if (!request.kernel) {
        result.plan = reconcile::plan(wanted, read_live_state(root));
        return;
    }
    const SystemConfigfsFiles probe(*request.kernel);
    SystemKernelModules modules(*request.kernel, root);
    const auto dir = netconsole_dir(root);
    result.prepared = apply::prepare_kernel(probe, modules, dir);
    SystemConfigfsFiles files(*request.kernel);
    // One writer from reading configfs to the record's update: another apply --config
    // or a watch cannot slip between the targets made and their record.
    std::optional<WriterLock> lock;
    if (request.configuration_complete) {
        lock.emplace(root);
    }
    result.plan = reconcile::plan(wanted, reconcile::read_live(files, dir));
    result.reports = reconcile::apply_plan(files, dir, *result.plan);
    if (request.configuration_complete) {
        // Only targets an earlier configuration made, and still there, are removed, and
        // only when the configuration was read whole.
        result.removed = remove_unlisted(files, dir, root, result.listed,
                                         *request.configuration_complete);
    }
    if (request.console_level) {
        set_console_loglevel(*request.kernel, *request.console_level);
        result.console_level = request.console_level;
    }
}

} // namespace

ApplyRequest make_apply_request(std::vector<reconcile::DesiredTarget> desired,
                                std::optional<int> console_level, const Root& root,
                                NameEach name_each, std::optional<bool> configuration_complete) {
    reconcile::validate(desired);
    if (console_level) {
        validate_console_level(*console_level);
    }
    return {std::move(desired), console_level, std::nullopt, &root, name_each, configuration_complete};
}

ApplyResult apply(const ApplyRequest& request) {
    ApplyResult result;
    result.crash = panic_verdict(*request.root);
    try {
        run(request, result);
    } catch (...) {
        result.error = std::current_exception();
    }
    return result;
}

bool may_change_kernel() {
    return has_sys_admin_capability();
}

reconcile::Live read_live_state(const Root& root) {
    const SystemConfigfsFiles files(root);
    const auto dir = netconsole_dir(root);
    if (!files.is_directory(dir)) {
        return {false, {}, {}};
    }
    return reconcile::read_live(files, dir);
}

} // namespace ncs::ops
