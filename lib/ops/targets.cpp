#include "ops/targets.hpp"

#include "system/configfs.hpp"

namespace ncs::ops {

void require_target(const Root& root, const std::string& name) {
    apply::require_target(SystemConfigfsFiles(root), netconsole_dir(root), name);
}

apply::Toggle set_enabled(const LiveKernel& kernel, const Root& root, const std::string& name,
                          bool enable) {
    SystemConfigfsFiles files(kernel);
    return apply::set_enabled(files, netconsole_dir(root), name, enable);
}

void remove_target(const LiveKernel& kernel, const Root& root, const std::string& name) {
    SystemConfigfsFiles files(kernel);
    apply::remove_target(files, netconsole_dir(root), name);
}

} // namespace ncs::ops
