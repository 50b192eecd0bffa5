#pragma once
// Will a crash reach the doctor (issue 19), decided for a use case: this host's crash
// settings read (lib/system/crash_settings) and judged (lib/model/crash_delivery).
// The words for the verdict are the CLI's (cli/crash_report).

#include "model/crash_delivery.hpp"
#include "system/root.hpp"

#include <string_view>

namespace ncs::ops {

/// The verdict for a panic on this host (under root too): what apply and watch warn of.
CrashVerdict panic_verdict(const Root& root);

/// Where fact is read from ("/proc/sys/kernel/panic"; oops_only: netconsole's
/// parameter), for the words of an unknown verdict.
std::string_view fact_source(CrashFact fact) noexcept;

} // namespace ncs::ops
