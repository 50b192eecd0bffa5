#include "system/host_name.hpp"

#include "model/errors.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <array>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace ncs {

namespace {

struct AddrinfoDeleter {
    void operator()(addrinfo* ai) const noexcept { freeaddrinfo(ai); }
};

std::optional<IpAddress> to_ip(const addrinfo& ai) {
    if (ai.ai_family == AF_INET && ai.ai_addrlen >= sizeof(sockaddr_in)) {
        sockaddr_in sin{};
        std::memcpy(&sin, ai.ai_addr, sizeof sin);
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
        return IpAddress::v4(bytes);
    }
    if (ai.ai_family == AF_INET6 && ai.ai_addrlen >= sizeof(sockaddr_in6)) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, ai.ai_addr, sizeof sin6);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
        std::string zone = sin6.sin6_scope_id != 0 ? std::to_string(sin6.sin6_scope_id) : "";
        return IpAddress::v6(bytes, std::move(zone));
    }
    return std::nullopt;
}

} // namespace

void throw_lookup_error(const std::string& name, int gai_error) {
    switch (gai_error) {
    case EAI_AGAIN:
    case EAI_FAIL:
        throw OperationError(
            fmt::format("could not resolve host name '{}': {}", name, gai_strerror(gai_error)),
            "check the DNS servers in /etc/resolv.conf, or give the address");
    case EAI_MEMORY:
        throw OperationError(
            fmt::format("could not resolve host name '{}': {}", name, gai_strerror(gai_error)));
    case EAI_SYSTEM: {
        const int saved = errno;
        throw OperationError(fmt::format("could not resolve host name '{}': {}", name,
                                         std::generic_category().message(saved)));
    }
    default:
        throw InputError(fmt::format("'{}' is neither an IP address nor a host name that "
                                     "resolves: {}",
                                     name, gai_strerror(gai_error)),
                         "give an IPv4/IPv6 address, or add the name to /etc/hosts");
    }
}

std::vector<IpAddress> lookup_host(const std::string& name) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM; // one entry per address, not one per socket type
    addrinfo* raw = nullptr;
    const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &raw);
    std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
    if (rc != 0) {
        throw_lookup_error(name, rc);
    }
    std::vector<IpAddress> result;
    for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
        if (auto address = to_ip(*ai);
            address && std::find(result.begin(), result.end(), *address) == result.end()) {
            result.push_back(*address);
        }
    }
    if (result.empty()) {
        throw InputError(fmt::format("host name '{}' has no IPv4 or IPv6 address", name));
    }
    return result;
}

} // namespace ncs
