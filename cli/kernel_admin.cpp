#include "kernel_admin.hpp"

#include "ops/apply.hpp"

#include <fmt/format.h>

namespace ncs::cli {

LiveKernel require_kernel_admin(const Context& context, std::string_view verb,
                                std::string_view arguments) {
    auto kernel = context.root.live_kernel(fmt::format("'{}'", verb));
    if (!ops::may_change_kernel()) {
        throw OperationError(fmt::format("{} changes the running kernel and needs root "
                                         "(CAP_SYS_ADMIN)",
                                         verb),
                             arguments.empty()
                                 ? fmt::format("run it as root: sudo {} {} ...", k_program, verb)
                                 : fmt::format("run it as root: sudo {} {}", k_program, arguments));
    }
    return kernel;
}

} // namespace ncs::cli
