#include "forward/forward_url.hpp"

#include "model/errors.hpp"
#include "model/ip_address.hpp"

#include <algorithm>
#include <charconv>

namespace ncs::forward {
namespace {

constexpr std::string_view k_hint = "give udp://HOST[:PORT], tcp://HOST[:PORT] or tls://HOST[:PORT]";

[[noreturn]] void bad(std::string_view text, std::string_view why) {
    // The request field is named by whoever phrases it (listen: by its flag, --forward).
    throw FieldError(Field::forward, "'" + std::string(text) + "': " + std::string(why),
                     std::string(k_hint));
}

bool host_name_like(std::string_view host) {
    // A DNS name or an IPv4 address: letters, digits, '-', '.', '_' (as getaddrinfo
    // takes from /etc/hosts).
    return !host.empty() && host.size() <= 253 &&
           std::all_of(host.begin(), host.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_';
           });
}

} // namespace

std::uint16_t default_port(Transport transport) {
    switch (transport) {
    case Transport::udp:
        return 514;
    case Transport::tcp:
        return 601;
    case Transport::tls:
        return 6514;
    }
    return 0;
}

std::string ForwardUrl::to_string() const {
    std::string text = transport == Transport::udp ? "udp://"
                       : transport == Transport::tcp ? "tcp://"
                                                     : "tls://";
    if (host.find(':') != std::string::npos) {
        text += '[' + host + ']';
    } else {
        text += host;
    }
    return text + ':' + std::to_string(port);
}

ForwardUrl parse_forward_url(std::string_view text) {
    ForwardUrl url;
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        bad(text, "no scheme");
    }
    const auto scheme = text.substr(0, scheme_end);
    if (scheme == "udp") {
        url.transport = Transport::udp;
    } else if (scheme == "tcp") {
        url.transport = Transport::tcp;
    } else if (scheme == "tls") {
        url.transport = Transport::tls;
    } else {
        bad(text, "unknown scheme '" + std::string(scheme) + "'");
    }
    auto rest = text.substr(scheme_end + 3);
    if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    std::string_view port_text;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            bad(text, "no ']' after the IPv6 address");
        }
        const auto host = rest.substr(1, close - 1);
        const auto address = IpAddress::try_parse(host);
        if (!address || address->is_v4()) {
            bad(text, "'" + std::string(host) + "' is not an IPv6 address");
        }
        url.host.assign(host);
        rest.remove_prefix(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                bad(text, "unexpected text after the address");
            }
            port_text = rest.substr(1);
            if (port_text.empty()) {
                bad(text, "empty port");
            }
        }
    } else {
        const auto colon = rest.find(':');
        const auto host = rest.substr(0, colon);
        if (colon != std::string_view::npos) {
            port_text = rest.substr(colon + 1);
            if (port_text.empty()) {
                bad(text, "empty port");
            }
            if (port_text.find(':') != std::string_view::npos) {
                bad(text, "an IPv6 address goes in brackets");
            }
        }
        if (!host_name_like(host)) {
            bad(text, host.empty() ? std::string("no host") : "bad host '" + std::string(host) + "'");
        }
        url.host.assign(host);
    }
    url.port = default_port(url.transport);
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto [ptr, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 ||
            value > 65535 || port_text.front() == '+') {
            bad(text, "bad port '" + std::string(port_text) + "'");
        }
        url.port = static_cast<std::uint16_t>(value);
    }
    return url;
}

} // namespace ncs::forward
