#include "ops/watch.hpp"

#include "apply/prepare.hpp"
#include "ops/crash.hpp"
#include "reconcile/reconcile.hpp"
#include "system/configfs.hpp"
#include "system/kmod.hpp"

#include <memory>

namespace ncs::ops {

WatchRequest make_watch_request(std::vector<reconcile::DesiredTarget> desired, const Root& root) {
    reconcile::validate(desired);
    WatchRequest request;
    request.desired = std::move(desired);
    request.root = &root;
    return request;
}

WatchRequest make_watch_request(const std::string& config_file, const Root& root) {
    WatchRequest request;
    request.configuration = read_configuration(config_file, root);
    request.config_file = config_file;
    request.root = &root;
    return request;
}

int watch(const WatchRequest& request, WatchSink& sink) {
    const auto& root = *request.root;
    const auto dir = netconsole_dir(root);
    sink.crash(panic_verdict(root));
    // A dry run only reads configfs (under any root); otherwise the kernel changes.
    std::unique_ptr<SystemConfigfsFiles> files;
    if (request.kernel) {
        const SystemConfigfsFiles probe(*request.kernel);
        SystemKernelModules modules(*request.kernel, root);
        sink.prepared(apply::prepare_kernel(probe, modules, dir));
        files = std::make_unique<SystemConfigfsFiles>(*request.kernel);
    } else {
        files = std::make_unique<SystemConfigfsFiles>(root);
    }
    if (!request.config_file) {
        const auto desired = request.desired;
        return reconcile::watch([desired] { return desired; }, root, *files, dir,
                                request.options, sink);
    }
    // Whether the last read said which targets exist (removal needs it).
    auto complete = std::make_shared<bool>(false);
    // The first load is the configuration the request was made of; each SIGHUP reads the
    // files again.
    auto first = std::make_shared<std::optional<Configuration>>(request.configuration);
    const reconcile::LoadDesired load = [&request, &root, &sink, complete, first] {
        auto configuration = *first ? std::move(**first)
                                    : read_configuration(*request.config_file, root);
        first->reset();
        *complete = configuration.complete;
        if (configuration.targets.empty()) {
            // Not an error: it keeps running, and a SIGHUP after the file gains a line
            // adds its targets.
            sink.no_target();
        }
        return std::move(configuration.targets);
    };
    // As apply's: the targets it made (its record) that the configuration no longer lists
    // are removed; those made by hand never are. A dry run keeps its own record, as the
    // real run would write it.
    auto record = std::make_shared<DryRunRecord>();
    const bool dry_run = !request.kernel;
    const reconcile::ConfigurationApplied applied =
        [&root, &files, &sink, dir, complete, record, dry_run](
            const std::vector<std::string>& listed, bool all_named,
            const std::vector<std::string>& made) {
            const bool whole = *complete && all_named;
            std::vector<std::string> removed;
            if (dry_run) {
                record->made = made;
                removed = remove_unlisted(*files, dir, root, listed, whole, *record);
            } else {
                removed = remove_unlisted(*files, dir, root, listed, whole);
            }
            sink.removed(removed);
            return removed;
        };
    return reconcile::watch(load, root, *files, dir, request.options, sink, applied);
}

} // namespace ncs::ops
