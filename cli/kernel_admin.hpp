#pragma once
// The right to act on the running kernel, as every verb that changes it asks for it
// (apply, watch, enable/disable/remove, the Debian form): not a verb.

#include "context.hpp"

#include <string_view>

namespace ncs::cli {

/// The right to act on the running kernel for verb: throws InputError under --root
/// (Root::live_kernel), OperationError unless the process may change the kernel's
/// configfs and modules (CAP_SYS_ADMIN). The hint repeats the command with sudo:
/// "VERB ..." or, given, the arguments as typed.
LiveKernel require_kernel_admin(const Context& context, std::string_view verb,
                                std::string_view arguments = {});

} // namespace ncs::cli
