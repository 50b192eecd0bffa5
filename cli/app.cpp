#include "app.hpp"

#include "apply.hpp"
#include "cmdline.hpp"
#include "compat.hpp"
#include "explain.hpp"
#include "list.hpp"
#include "listen.hpp"
#include "loglevel.hpp"
#include "modprobe.hpp"
#include "panic_watchdog.hpp"
#include "print.hpp"
#include "probe.hpp"
#include "status.hpp"
#include "target_admin.hpp"
#include "watch.hpp"

#include <fmt/format.h>

#ifndef NCS_VERSION
#error "NCS_VERSION must be defined by the build (the CMake project version)"
#endif

namespace ncs::cli {
namespace {

constexpr const char* k_examples = R"(Examples:
  netconsole-setup --to 192.0.2.5
  netconsole-setup --to 192.0.2.5 --dev eth0 --src 192.0.2.10 --mac 52:54:00:12:34:56
  netconsole-setup explain 'netconsole=+@/eth0,6666@10.0.0.2/'
  netconsole-setup explain --root /mnt/sysimage
  netconsole-setup +6666@doctor.example   # Debian netconsole-setup 0.3 form

Without a subcommand, netconsole-setup prints (see 'netconsole-setup print --help').
Given [+][PORT]@HOST words instead, it makes one configfs target per HOST, named
after it, and sends a test message, as Debian's netconsole-setup 0.3 does (needs root).)";

void add(std::vector<Command>& commands, Command command) {
    commands.push_back(std::move(command));
}

// For a setup that registers several subcommands at once.
[[maybe_unused]] void add(std::vector<Command>& commands, std::vector<Command> more) {
    for (auto& command : more) {
        commands.push_back(std::move(command));
    }
}

} // namespace

bool asks_for_help(const std::vector<std::string_view>& words) {
    for (const auto word : words) {
        if (word == "--") {
            return false;
        }
        if (word == "--help" || word == "--help-all" ||
            (word.size() > 1 && word[0] == '-' && word[1] != '-' &&
             word.find('h') != std::string_view::npos)) {
            return true;
        }
    }
    return false;
}

BuiltApp build_app(GlobalOptions& global, const std::vector<std::string_view>* words) {
    const bool all = words == nullptr || asks_for_help(*words);
    // named({...}): whether a word is one of the names a setup_<verb> registers.
    const auto named = [&](std::initializer_list<std::string_view> names) {
        if (all) {
            return true;
        }
        for (const auto word : *words) {
            for (const auto name : names) {
                if (word == name) {
                    return true;
                }
            }
        }
        return false;
    };
    BuiltApp built;
    built.app = std::make_unique<CLI::App>("Set up Linux netconsole on the sending host",
                                           std::string(k_program));
    auto& app = *built.app;
    built.version = fmt::format("{} {}", k_program, NCS_VERSION);
    const std::string version_help = "Display program version information and exit";
    app.add_flag("--version", version_help)->configurable(false);
    app.require_subcommand(0, 1);
    app.fallthrough(); // global options work after the subcommand too
    app.footer(k_examples);
    add_global_options(app, global);

    auto print = setup_print(app);
    built.default_action = print.default_action;
    built.default_option_given = print.default_option_given;
    // Debian's `netconsole-setup [+][PORT]@HOST...` when positionals are given.
    built.default_action = setup_compat(app, print.default_action, print.default_option_given);

    // One line per subcommand (setup_<verb> returns a Command or a vector of them).
    auto& commands = built.subcommands;
    add(commands, print.subcommand);
    // named() lists the subcommand names each registers (the unit test
    // "build_app with words registers the subcommand they name" checks them).
    if (named({"explain"})) add(commands, setup_explain(app));
    if (named({"apply"})) add(commands, setup_apply(app));
    if (named({"enable", "disable", "remove"})) add(commands, setup_target_admin(app));
    if (named({"list"})) add(commands, setup_list(app));
    if (named({"loglevel"})) add(commands, setup_loglevel(app));
    if (named({"test"})) add(commands, setup_test(app));
    if (named({"status"})) add(commands, setup_status(app));
    if (named({"cmdline"})) add(commands, setup_cmdline(app));
    if (named({"modprobe"})) add(commands, setup_modprobe(app));
    if (named({"panic-watchdog"})) add(commands, setup_panic_watchdog(app));
    if (named({"watch"})) add(commands, setup_watch(app));
    if (named({"listen"})) add(commands, setup_listen(app));
    return built;
}

} // namespace ncs::cli
