#include "test_message.hpp"

#include "apply/apply.hpp"
#include "json.hpp"
#include "system/configfs.hpp"
#include "system/printk.hpp"

#include <CLI/App.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <ostream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace ncs::cli {
namespace {

constexpr const char* k_description =
    "Send a uniquely marked kernel message to check that netconsole delivers";

constexpr const char* k_examples = R"(Examples:
  # look for the printed marker in the doctor's log
  netconsole-setup test
  # the same, after checking that target 'doctor' exists and is enabled
  netconsole-setup test doctor)";

/// A marker nobody else writes: the time, and 32 bits mixed from the nanoseconds and
/// the pid. Not std::random_device: getrandom(2) blocks early at boot, when the
/// Debian form runs from its unit.
std::string make_marker(std::string_view name) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    const auto nanoseconds = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
    const auto mixed = (nanoseconds * 0x9e3779b97f4a7c15ULL) ^
                       (static_cast<std::uint64_t>(::getpid()) << 32);
    return fmt::format("ncs-test{}{}-{}-{:08x}", name.empty() ? "" : "-", name, seconds,
                       static_cast<std::uint32_t>(mixed >> 32));
}

/// The target must be a configfs directory that exists (the rule of enable, disable
/// and remove: apply::require_target) and is enabled.
void check_target(const Root& root, const std::string& name) {
    const SystemConfigfsFiles files(root);
    apply::require_target(files, netconsole_dir(root), name);
    auto enabled = files.read(netconsole_dir(root) / name / "enabled");
    if (!enabled.empty() && enabled.back() == '\n') {
        enabled.pop_back();
    }
    if (parse_flag(enabled) != true) {
        throw OperationError(fmt::format("netconsole target '{}' is not enabled", name),
                             fmt::format("'{} enable {}' enables it", k_program, name));
    }
}

} // namespace

TestMessage send_test_message(const LiveKernel& /*kernel*/, const Root& root,
                              std::string_view name) {
    const auto levels = read_printk_levels(root);
    TestMessage message{make_marker(name), test_message_level(levels)};
    const auto line = fmt::format("<{}>{}: test message {}\n", message.level, k_program,
                                  message.marker);
    const auto path = root.path("/dev/kmsg");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "cannot open /dev/kmsg");
    }
    // /dev/kmsg takes one record per write(2), so the line goes in a single call.
    const auto written = ::write(fd, line.data(), line.size());
    const int write_errno = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size())) {
        throw std::system_error(written < 0 ? write_errno : EIO, std::generic_category(),
                                "cannot write to /dev/kmsg");
    }
    return message;
}

Command setup_test(CLI::App& app) {
    auto options = std::make_shared<TestOptions>();
    auto* test = app.add_subcommand("test", k_description);
    test->add_option_function<std::string>(
            "NAME", [options](const std::string& given) { options->name = given; },
            "A configfs target that must exist and be enabled")
        ->type_name("NAME");
    test->footer(k_examples);
    return {test, [options](const Context& c) { run_test(*options, c); }};
}

void run_test(const TestOptions& options, const Context& context) {
    // As enable and disable: a missing target is the same error under --root.
    if (options.name) {
        check_target(context.root, *options.name);
    }
    const auto kernel = context.root.live_kernel("'test'");
    if (const auto levels = read_printk_levels(context.root); levels.console_loglevel <= 1) {
        context.output.warning(
            {fmt::format("console log level {} lets {} through", levels.console_loglevel,
                         levels.console_loglevel == 1 ? "only emergencies (level 0)"
                                                      : "no message"),
             "'netconsole-setup loglevel 8' lets every message through"});
    }
    const auto message = send_test_message(kernel, context.root, options.name.value_or(""));
    if (context.global.json) {
        Json json;
        json["marker"] = message.marker;
        json["level"] = message.level;
        json["target"] = options.name ? Json(*options.name) : Json(nullptr);
        context.output.result() << dump(json);
        return;
    }
    context.output.result() << message.marker << '\n';
}

} // namespace ncs::cli
