#pragma once
// enable, disable and remove one configfs target by name (issue 21): one library call each.

#include "apply/apply.hpp"
#include "system/root.hpp"

#include <string>

namespace ncs::ops {

/// Throws OperationError unless configfs under root holds the target (reads only: the
/// same answer under any root, before the right to change the kernel is asked for).
void require_target(const Root& root, const std::string& name);

/// Enables (or disables) the target; its current state is not an error. Throws
/// OperationError.
apply::Toggle set_enabled(const LiveKernel& kernel, const Root& root, const std::string& name,
                          bool enable);

/// Disables the target, removes its userdata entries and its directory. Throws
/// OperationError.
void remove_target(const LiveKernel& kernel, const Root& root, const std::string& name);

} // namespace ncs::ops
