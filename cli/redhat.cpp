#include "redhat.hpp"

#include "target_options.hpp"

#include <fmt/format.h>

namespace ncs::cli {
namespace {

template <typename F>
auto at_line(const persist::ShellAssignment& a, F&& f) {
    try {
        return f(a.value);
    } catch (const InputError& e) {
        throw InputError(fmt::format("{}:{}: {}", k_redhat_config_path, a.line, e.what()),
                         e.hint());
    }
}

} // namespace

std::optional<reconcile::DesiredTarget> redhat_desired(const persist::RedHatNetconsole& config) {
    if (!config.syslogaddr) {
        return std::nullopt; // the service itself does nothing then
    }
    reconcile::DesiredTarget desired;
    desired.where = fmt::format("{}:{}", k_redhat_config_path, config.syslogaddr->line);
    auto& request = desired.request;
    request.to = config.syslogaddr->value;
    request.remote_port = persist::k_redhat_default_remote_port;
    request.local_port = persist::k_redhat_default_local_port;
    if (config.syslogport) {
        request.remote_port = at_line(*config.syslogport,
                                      [](const std::string& v) { return parse_port(v, "SYSLOGPORT"); });
    }
    if (config.localport) {
        request.local_port = at_line(*config.localport,
                                     [](const std::string& v) { return parse_port(v, "LOCALPORT"); });
    }
    if (config.syslogmacaddr) {
        request.mac = at_line(*config.syslogmacaddr, [](const std::string& v) {
            const auto mac = MacAddress::try_parse(v);
            if (!mac) {
                throw InputError(fmt::format("SYSLOGMACADDR: '{}' is not a MAC address", v),
                                 "six hex pairs separated by ':', as 52:54:00:12:34:56");
            }
            return *mac;
        });
    }
    if (config.dev) {
        request.dev = config.dev->value;
    }
    return desired;
}

} // namespace ncs::cli
