#include "receive/sender.hpp"

#include <algorithm>
#include <charconv>

namespace ncs::receive {

SenderKey SenderKey::from(const IpAddress& address, std::uint16_t port, std::uint32_t scope) {
    SenderKey key;
    key.port = port;
    const auto bytes = address.bytes();
    key.v4 = address.is_v4();
    std::copy(bytes.begin(), bytes.end(), key.address.begin());
    key.scope = key.v4 ? 0 : scope;
    if (!key.v4 && scope == 0 && !address.zone().empty()) {
        const auto& zone = address.zone();
        std::from_chars(zone.data(), zone.data() + zone.size(), key.scope);
    }
    return key;
}

SenderKey SenderKey::at(const IpAddress& local, std::uint16_t port_to) const {
    auto key = *this;
    auto bytes = local.bytes();
    key.local_v4 = local.is_v4();
    if (local.is_v4_mapped()) {
        // A dual-stack socket's IPv4 destination: the IPv4 address, as for the sender.
        key.local_v4 = true;
        bytes = bytes.subspan(12);
    }
    key.local_address = {};
    std::copy(bytes.begin(), bytes.end(), key.local_address.begin());
    key.local_port = port_to;
    return key;
}

IpAddress SenderKey::local_ip() const {
    if (local_v4) {
        return IpAddress::v4(
            {local_address[0], local_address[1], local_address[2], local_address[3]});
    }
    return IpAddress::v6(local_address);
}

IpAddress SenderKey::ip() const {
    if (v4) {
        return IpAddress::v4({address[0], address[1], address[2], address[3]});
    }
    return IpAddress::v6(address);
}

std::string SenderKey::address_text() const {
    auto text = ip().to_string();
    if (!v4 && scope != 0) {
        text += '%';
        text += std::to_string(scope);
    }
    return text;
}

std::size_t SenderKeyHash::operator()(const SenderKey& key) const noexcept {
    // FNV-1a over the fields: cheap, and a spoofed flood only costs a longer chain
    // in a table the receiver caps anyway.
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    auto mix = [&hash](std::uint8_t byte) {
        hash ^= byte;
        hash *= 0x100000001b3ULL;
    };
    for (const auto byte : key.address) {
        mix(byte);
    }
    for (int shift = 0; shift < 32; shift += 8) {
        mix(static_cast<std::uint8_t>(key.scope >> shift));
    }
    mix(static_cast<std::uint8_t>(key.port));
    mix(static_cast<std::uint8_t>(key.port >> 8));
    mix(key.v4 ? 1 : 0);
    for (const auto byte : key.local_address) {
        mix(byte);
    }
    mix(static_cast<std::uint8_t>(key.local_port));
    mix(static_cast<std::uint8_t>(key.local_port >> 8));
    mix(key.local_v4 ? 1 : 0);
    return static_cast<std::size_t>(hash);
}

} // namespace ncs::receive
