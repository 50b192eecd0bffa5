#include "ops/printk_levels.hpp"

#include "model/console_level.hpp"

namespace ncs::ops {

PrintkReport read_printk_report(const Root& root) {
    PrintkReport report;
    report.levels = read_printk_levels(root);
    report.warnings = check_console_loglevel(report.levels.console_loglevel);
    return report;
}

ConsoleLevelChange set_console_level(const LiveKernel& kernel, const Root& root, int level) {
    validate_console_level(level);
    ConsoleLevelChange change;
    change.asked = level;
    change.before = read_printk_levels(root);
    set_console_loglevel(kernel, level);
    change.after = read_printk_report(root);
    return change;
}

} // namespace ncs::ops
