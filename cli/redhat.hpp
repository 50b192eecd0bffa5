#pragma once
// Red Hat's /etc/sysconfig/netconsole (initscripts' netconsole-service) as a source of
// desired targets, so the tool replaces that service too (issue 13).

#include "context.hpp"
#include "persist/config_file.hpp"
#include "reconcile/reconcile.hpp"

#include <optional>
#include <string_view>

namespace ncs::cli {

/// Red Hat's file whose SYSLOGADDR target is applied too.
inline constexpr std::string_view k_redhat_config_path = "/etc/sysconfig/netconsole";

/// The target of the variables: SYSLOGADDR (required; nullopt without it), SYSLOGPORT
/// (default 514), SYSLOGMACADDR, DEV, LOCALPORT (default 6666), named as the
/// configuration file's targets are (ncs-<remote IP>-<port>). Throws InputError
/// "/etc/sysconfig/netconsole:LINE: ..." for a bad value.
std::optional<reconcile::DesiredTarget> redhat_desired(const persist::RedHatNetconsole& config);

} // namespace ncs::cli
