// lib/model/crash_delivery.cpp: whether a panic and an oops reach the doctor, for every
// combination the vm tier measures (shared/reference/kernel-events-and-receivers.md).
#include "model/crash_delivery.hpp"

#include <catch2/catch.hpp>

using ncs::CrashFact;
using ncs::CrashLoss;
using ncs::CrashSettings;
using ncs::KernelVersion;
using ncs::Netpoll;
using ncs::TargetState;

namespace {

CrashSettings host(KernelVersion kernel, int panic, bool crash_kernel, bool panic_on_oops,
                   bool oops_only = false) {
    return {kernel, panic, panic_on_oops, crash_kernel, oops_only};
}

} // namespace

TEST_CASE("every kernel, kernel.panic, crash kernel, panic_on_oops and device", "[crash_delivery]") {
    const auto kernel = GENERATE(KernelVersion{6, 1}, KernelVersion{6, 12}, KernelVersion{7, 0},
                                 KernelVersion{7, 2});
    const auto panic = GENERATE(-1, 0, 10);
    const auto crash_kernel = GENERATE(false, true);
    const auto panic_on_oops = GENERATE(false, true);
    const auto netpoll = GENERATE(Netpoll::capable, Netpoll::refused);
    CAPTURE(kernel.major, kernel.minor, panic, crash_kernel, panic_on_oops,
            netpoll == Netpoll::refused);
    const auto settings = host(kernel, panic, crash_kernel, panic_on_oops);
    const auto delivery = ncs::crash_delivery(settings, TargetState::enabled, netpoll);

    // The measured matrix: 6.x sends every line in each mode; 7.x only with
    // kernel.panic=0 and no crash kernel, kdump winning over the reboot.
    CrashLoss panic_loss = CrashLoss::none;
    if (netpoll == Netpoll::refused) {
        panic_loss = CrashLoss::device_cannot_netpoll;
    } else if (kernel.major >= 7 && crash_kernel) {
        panic_loss = CrashLoss::crash_kernel;
    } else if (kernel.major >= 7 && panic != 0) {
        panic_loss = CrashLoss::panic_reboots;
    }
    CHECK(delivery.panic.loss == panic_loss);
    CHECK(delivery.panic.reaches() == (panic_loss == CrashLoss::none));
    CHECK(delivery.panic.kernel == kernel);
    CHECK(delivery.panic.panic_timeout == panic);
    // An oops that panics is a panic; one the host survives is sent (on 7.x by the
    // printing thread, later).
    const auto oops_loss = netpoll == Netpoll::refused ? CrashLoss::device_cannot_netpoll
                           : panic_on_oops             ? panic_loss
                                                       : CrashLoss::none;
    CHECK(delivery.oops.loss == oops_loss);
    // The host's verdict is the target's for a target that sends.
    if (netpoll == Netpoll::capable) {
        CHECK(ncs::panic_delivery(settings) == delivery.panic);
    }
    // kernel.panic=0 is the fix only where the reboot is what loses the panic.
    CHECK(ncs::stay_down_delivers(delivery.panic) == (panic_loss == CrashLoss::panic_reboots));
    if (ncs::stay_down_delivers(delivery.panic)) {
        auto fixed = settings;
        fixed.panic_timeout = 0;
        CHECK(ncs::panic_delivery(fixed).reaches());
    }
}

TEST_CASE("a disabled target, or one whose device drops it, loses both, whatever the host",
          "[crash_delivery]") {
    const auto delivery = ncs::crash_delivery(host({6, 1}, 0, false, false),
                                              TargetState::disabled, Netpoll::capable);
    CHECK(delivery.panic.loss == CrashLoss::target_disabled);
    CHECK(delivery.oops.loss == CrashLoss::target_disabled);
    const auto silent = ncs::crash_delivery(host({7, 2}, 0, false, false), TargetState::silent,
                                            Netpoll::capable);
    CHECK(silent.panic.loss == CrashLoss::device_silent);
    CHECK(silent.oops.loss == CrashLoss::device_silent);
}

TEST_CASE("oops_only drops a surviving oops only where the printing thread sends it",
          "[crash_delivery]") {
    CHECK(ncs::oops_delivery(host({6, 12}, 0, false, false, true)).reaches());
    CHECK(ncs::oops_delivery(host({7, 2}, 0, false, false, true)).loss == CrashLoss::oops_only);
    // A panic keeps oops_in_progress set to the end of vpanic(): oops_only does not matter.
    CHECK(ncs::panic_delivery(host({7, 2}, 0, false, false, true)).reaches());
    CHECK(ncs::oops_delivery(host({7, 2}, 0, false, true, true)).reaches());
}

TEST_CASE("a fact that could not be read leaves the verdict unknown only where it matters",
          "[crash_delivery]") {
    CrashSettings settings;
    CHECK(ncs::panic_delivery(settings).loss == CrashLoss::unknown);
    CHECK(ncs::panic_delivery(settings).missing == CrashFact::kernel);
    settings.kernel = KernelVersion{6, 1};
    CHECK(ncs::panic_delivery(settings).reaches()); // 6.x delivers in every mode
    CHECK(ncs::oops_delivery(settings).reaches());

    settings.kernel = KernelVersion{7, 2};
    CHECK(ncs::oops_delivery(settings).missing == CrashFact::panic_on_oops);
    settings.panic_on_oops = false;

    CHECK(ncs::panic_delivery(settings).missing == CrashFact::crash_kernel_loaded);
    settings.crash_kernel_loaded = false;
    CHECK(ncs::panic_delivery(settings).missing == CrashFact::panic_timeout);
    CHECK(ncs::oops_delivery(settings).missing == CrashFact::oops_only);
    // A loaded crash kernel decides without kernel.panic.
    settings.crash_kernel_loaded = true;
    CHECK(ncs::panic_delivery(settings).loss == CrashLoss::crash_kernel);
}
