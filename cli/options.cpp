#include "options.hpp"

#include "context.hpp"

#include <fmt/format.h>

#include <charconv>

namespace ncs::cli {

std::string_view flag_of(Field field) noexcept {
    switch (field) {
    case Field::destination: return "--to";
    case Field::remote_port: return "--port";
    case Field::local_port: return "--src-port";
    case Field::local_address: return "--src";
    case Field::device: return "--dev";
    case Field::remote_mac: return "--mac";
    case Field::broadcast: return "--broadcast";
    case Field::name: return "--name";
    case Field::console_level: return "--loglevel";
    case Field::userdata: return "--userdata";
    case Field::sysdata: return "--sysdata";
    case Field::timeout: return "--timeout";
    case Field::config_file: return "--config";
    case Field::listen_port: return "--port";
    case Field::listen_address: return "--address";
    case Field::allow: return "--allow";
    case Field::output: return "--output";
    case Field::kernel_release: return "--kernel";
    case Field::watchdog: return "--watchdog-sec";
    case Field::workers: return "--workers";
    case Field::forward: return "--forward";
    case Field::forward_ca: return "--forward-ca";
    case Field::forward_cert: return "--forward-cert";
    case Field::forward_key: return "--forward-key";
    case Field::forward_spool: return "--forward-spool";
    case Field::extended: return "--extended";
    case Field::release: return "--release";
    case Field::unconfirmed_mac: return "--allow-unconfirmed-mac";
    case Field::ipv4: return "-4";
    case Field::ipv6: return "-6";
    case Field::root: return "--root";
    }
    return "?";
}

std::string in_flags(std::string_view text) { return phrase(text, &flag_of); }

std::string hint_of(const Warning& warning) {
    if (warning.kind == Warning::Kind::console_quiet) {
        return fmt::format("'{} loglevel 8' lets every message through", k_program);
    }
    return in_flags(warning.hint);
}

unsigned parse_count(std::string_view text, std::string_view option) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value == 0) {
        throw InputError(fmt::format("{}: '{}' is not a count", option, text),
                         "a decimal number, 1 or more");
    }
    return value;
}

} // namespace ncs::cli
