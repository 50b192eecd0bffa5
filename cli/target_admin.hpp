#pragma once
// `enable NAME`, `disable NAME`, `remove NAME`: one configfs target at a time.

#include "context.hpp"

#include <string>
#include <vector>

namespace ncs::cli {

struct TargetAdminOptions {
    std::string name;
};

/// Registers `enable`, `disable` and `remove` on app.
std::vector<Command> setup_target_admin(CLI::App& app);

/// Enables (enable true) or disables the target; asking for its current state is
/// not an error. Throws OperationError.
void run_set_enabled(const TargetAdminOptions& options, bool enable, const Context& context);

/// Disables the target, removes its userdata entries and its directory. Throws
/// OperationError.
void run_remove(const TargetAdminOptions& options, const Context& context);

} // namespace ncs::cli
