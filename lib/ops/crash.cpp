#include "ops/crash.hpp"

#include "system/crash_settings.hpp"

namespace ncs::ops {

CrashVerdict panic_verdict(const Root& root) {
    return panic_delivery(read_crash_settings(root));
}

std::string_view fact_source(CrashFact fact) noexcept {
    switch (fact) {
    case CrashFact::kernel: return "the kernel version";
    case CrashFact::panic_timeout: return k_panic_path;
    case CrashFact::panic_on_oops: return k_panic_on_oops_path;
    case CrashFact::crash_kernel_loaded: return k_crash_loaded_path;
    case CrashFact::oops_only: break;
    }
    return k_oops_only_path;
}

} // namespace ncs::ops
