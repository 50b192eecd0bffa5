#include "crash_report.hpp"

#include "ops/crash.hpp"

#include <fmt/format.h>

namespace ncs::cli {

const std::string_view k_kdump_hint =
    "kernel.panic=0 does not help here: give the capture kernel a netconsole= "
    "(KDUMP_CMDLINE_APPEND in /etc/default/kdump-tools) so that it sends its own messages, or "
    "unload it (kdump-config unload) so that the panic is sent";

namespace {

constexpr std::string_view k_panic_hint =
    "netconsole-setup panic-watchdog sets kernel.panic=0 and lets a hardware watchdog reboot "
    "the host";

} // namespace

std::string_view to_string(CrashLoss loss) {
    switch (loss) {
    case CrashLoss::none: return "none";
    case CrashLoss::unknown: return "unknown";
    case CrashLoss::target_disabled: return "target_disabled";
    case CrashLoss::device_silent: return "device_silent";
    case CrashLoss::device_cannot_netpoll: return "device_cannot_netpoll";
    case CrashLoss::crash_kernel: return "crash_kernel";
    case CrashLoss::panic_reboots: return "panic_reboots";
    case CrashLoss::oops_only: break;
    }
    return "oops_only";
}

std::string loss_text(const CrashVerdict& verdict) {
    switch (verdict.loss) {
    case CrashLoss::none:
        return {};
    case CrashLoss::unknown:
        return fmt::format("cannot read {}", ops::fact_source(verdict.missing.value_or(CrashFact::kernel)));
    case CrashLoss::target_disabled:
        return "the target is disabled";
    case CrashLoss::device_silent:
        return "its device drops what it sends now";
    case CrashLoss::device_cannot_netpoll:
        return "its device cannot do netpoll";
    case CrashLoss::crash_kernel:
        return "a crash kernel is loaded (kdump), which takes the panic before netconsole is "
               "flushed";
    case CrashLoss::panic_reboots:
        return fmt::format("kernel.panic={} reboots before netconsole is flushed",
                           verdict.panic_timeout.value_or(0));
    case CrashLoss::oops_only:
        break;
    }
    return "netconsole's oops_only is set, and the printing thread sends the oops after it is "
           "over";
}

std::string verdict_text(const CrashVerdict& verdict) {
    if (verdict.reaches()) {
        return "reaches the doctor";
    }
    return fmt::format("{} ({})", verdict.loss == CrashLoss::unknown ? "unknown" : "lost",
                       loss_text(verdict));
}

Json verdict_json(const CrashVerdict& verdict) {
    const bool unknown = verdict.loss == CrashLoss::unknown;
    return Json{{"reaches", unknown ? Json(nullptr) : Json(verdict.reaches())},
                {"cause", verdict.reaches() ? Json(nullptr) : Json(to_string(verdict.loss))},
                {"reason", verdict.reaches() ? Json(nullptr) : Json(loss_text(verdict))}};
}

Json crash_settings_json(const CrashSettings& settings) {
    const auto or_null = [](const auto& value) { return value ? Json(*value) : Json(nullptr); };
    return Json{{"kernel", settings.kernel ? Json(to_string(*settings.kernel)) : Json(nullptr)},
                {"panic_timeout", or_null(settings.panic_timeout)},
                {"panic_on_oops", or_null(settings.panic_on_oops)},
                {"crash_kernel_loaded", or_null(settings.crash_kernel_loaded)},
                {"oops_only", or_null(settings.oops_only)}};
}

std::optional<Warning> panic_warning(const CrashVerdict& verdict) {
    if (verdict.loss != CrashLoss::crash_kernel && verdict.loss != CrashLoss::panic_reboots) {
        return std::nullopt;
    }
    return Warning{fmt::format("on Linux {} a panic will not reach the doctor: {}",
                               to_string(verdict.kernel.value_or(added_in::nbcon_netconsole)),
                               loss_text(verdict)),
                   std::string(verdict.loss == CrashLoss::crash_kernel ? k_kdump_hint
                                                                       : k_panic_hint),
                   Warning::Kind::panic_lost};
}

void warn_if_panic_lost(const CrashVerdict& verdict, const Context& context) {
    if (const auto warning = panic_warning(verdict)) {
        context.output.warning(*warning);
    }
}

} // namespace ncs::cli
