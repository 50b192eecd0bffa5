#include "receive/allow.hpp"

#include "model/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace ncs::receive {

Cidr Cidr::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address_text = text.substr(0, slash);
    const auto address = IpAddress::try_parse(address_text);
    if (!address) {
        throw FieldError(Field::allow, fmt::format("'{}' is not an address or network", text),
                         "write a network as 10.0.0.0/8 or 2001:db8::/32");
    }
    const unsigned bits = address->is_v4() ? 32 : 128;
    unsigned prefix = bits;
    if (slash != std::string_view::npos) {
        const auto prefix_text = text.substr(slash + 1);
        const auto* end = prefix_text.data() + prefix_text.size();
        const auto [ptr, ec] = std::from_chars(prefix_text.data(), end, prefix);
        if (prefix_text.empty() || ec != std::errc() || ptr != end || prefix > bits ||
            (prefix_text.size() > 1 && prefix_text.front() == '0')) {
            throw FieldError(Field::allow, fmt::format("'{}' has a bad prefix length", text),
                             fmt::format("the prefix length is a decimal number from 0 to {}, "
                                         "without leading zeros",
                                         bits));
        }
    }
    if (address->is_v4_mapped()) {
        // IPv4 senders reach a dual-stack socket as ::ffff:a.b.c.d but are kept as
        // IPv4: a mapped network would never match one.
        throw FieldError(Field::allow,
                         fmt::format("'{}' is an IPv4-mapped IPv6 network, which never "
                                     "matches: IPv4 senders are matched as IPv4",
                                     text),
                         fmt::format("write the IPv4 network, e.g. {} {}/{}",
                                     mention(Field::allow), address->mapped_v4(),
                                     prefix > 96 ? prefix - 96 : 0));
    }
    Cidr cidr{*address, prefix};
    const auto bytes = address->bytes();
    for (unsigned bit = prefix; bit < bits; ++bit) {
        if ((bytes[bit / 8] >> (7 - bit % 8)) & 1) {
            throw FieldError(Field::allow, fmt::format("'{}' has host bits set", text),
                             "write the network address, e.g. 10.1.0.0/16");
        }
    }
    return cidr;
}

bool Cidr::contains(const SenderKey& sender) const {
    if (network.is_v4() != sender.v4 || (scope != 0 && scope != sender.scope)) {
        return false;
    }
    const auto bytes = network.bytes();
    const unsigned whole = prefix / 8;
    if (!std::equal(bytes.begin(), bytes.begin() + whole, sender.address.begin())) {
        return false;
    }
    const unsigned rest = prefix % 8;
    if (rest == 0) {
        return true;
    }
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (bytes[whole] & mask) == (sender.address[whole] & mask);
}

bool allowed(const std::vector<Cidr>& allow, const SenderKey& sender) {
    return allow.empty() || std::any_of(allow.begin(), allow.end(), [&](const Cidr& cidr) {
               return cidr.contains(sender);
           });
}

} // namespace ncs::receive
