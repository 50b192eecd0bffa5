#pragma once
// Will a crash reach the doctor (issue 19): the words for lib/model/crash_delivery's
// verdicts, in one place: the warning apply and watch give once per host, status's
// per-target lines and JSON, and the hints (kernel.panic, kdump).

#include "context.hpp"
#include "json.hpp"
#include "model/crash_delivery.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ncs::cli {

/// The hint for a loaded crash kernel on 7.0+, where kernel.panic=0 does not help.
extern const std::string_view k_kdump_hint;

/// "panic_reboots", ... (the JSON "cause").
std::string_view to_string(CrashLoss loss);

/// Why verdict loses the crash: "kernel.panic=10 reboots before netconsole is flushed";
/// for unknown, what could not be read. Empty when it reaches the doctor.
std::string loss_text(const CrashVerdict& verdict);

/// "reaches the doctor", "lost (<loss_text>)" or "unknown (<loss_text>)".
std::string verdict_text(const CrashVerdict& verdict);

/// {"reaches": bool or null when unknown, "cause": to_string or null, "reason": loss_text or null}.
Json verdict_json(const CrashVerdict& verdict);

/// {"kernel", "panic_timeout", "panic_on_oops", "crash_kernel_loaded", "oops_only"}, null
/// where unknown.
Json crash_settings_json(const CrashSettings& settings);

/// "on Linux 7.2 a panic will not reach the doctor: <loss_text>" with the fix as its hint,
/// kind panic_lost; nullopt unless verdict loses the panic for a host reason (kdump, the
/// reboot). An unknown verdict warns of nothing: it is not known to be lost.
std::optional<Warning> panic_warning(const CrashVerdict& verdict);

/// Warns once when verdict (ops::panic_verdict) loses a panic: what apply and watch say
/// before they set targets up.
void warn_if_panic_lost(const CrashVerdict& verdict, const Context& context);

} // namespace ncs::cli
