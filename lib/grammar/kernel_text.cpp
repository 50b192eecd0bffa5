#include "grammar/kernel_text.hpp"

#include <array>
#include <cstddef>

// Behaviour learnt from lib/kstrtox.c, net/core/utils.c (in4_pton, in6_pton),
// lib/net_utils.c (mac_pton) and drivers/net/netconsole.c
// (netpoll_parse_ip_addr); the code below is written from that description.

namespace ncs::kernel {
namespace {

bool is_decimal(char c) {
    return c >= '0' && c <= '9';
}

/// The value of a hex digit in either case, or -1.
int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string_view without_one_newline(std::string_view text) {
    if (!text.empty() && text.back() == '\n') {
        text.remove_suffix(1);
    }
    return text;
}

/// in4_pton over the whole text: four '.'-separated decimal parts of at least
/// one digit, each <= 255. Leading zeros are decimal and unlimited ("010" is
/// ten, "0000001" is one), unlike glibc.
std::optional<std::array<std::uint8_t, 4>> parse_dotted_quad(std::string_view text) {
    std::array<std::uint8_t, 4> bytes{};
    std::size_t part = 0;
    unsigned value = 0;
    bool have_digit = false;
    for (const char c : text) {
        if (c == '.') {
            if (!have_digit || part == 3) {
                return std::nullopt;
            }
            bytes[part++] = static_cast<std::uint8_t>(value);
            value = 0;
            have_digit = false;
            continue;
        }
        if (!is_decimal(c)) {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 255) {
            return std::nullopt;
        }
        have_digit = true;
    }
    if (!have_digit || part != 3) {
        return std::nullopt;
    }
    bytes[3] = static_cast<std::uint8_t>(value);
    return bytes;
}

/// What the next character of an IPv6 literal may be. in6_pton keeps the
/// same permissions as bit flags; this is the same automaton spelled out.
struct Allowed {
    bool hex = false;
    bool colon_after_group = false; // a ':' that ends a group
    bool colon_opening_gap = false; // a ':' that may be the first of "::"
    bool colon_closing_gap = false; // the second ':' of "::"
    bool dot = false;               // '.' turns the current group into an IPv4 tail
    bool end = false;

    bool any_colon() const { return colon_after_group || colon_opening_gap || colon_closing_gap; }
};

/// in6_pton over the whole text. It accepts everything glibc's inet_pton does,
/// with the same result, plus one leniency of the kernel automaton: a group may
/// have more than four digits as long as its value fits 16 bits ("00001::" is
/// 1::). An IPv4 tail must end the text and follows six groups, or fewer after
/// "::"; its parts may have leading zeros, read as decimal.
std::optional<std::array<std::uint8_t, 16>> parse_ipv6(std::string_view text) {
    constexpr std::size_t k_words = 8;
    std::array<std::uint16_t, k_words> words{};
    std::size_t count = 0;
    std::optional<std::size_t> gap; // index in words where "::" was written
    unsigned group = 0;
    std::size_t group_start = 0;
    // The kernel stores a word at every ':' and at the end, except at the very
    // start and after a "::" that completes all eight words. The words it
    // stores for "::" are zeros, so they only matter for counting.
    bool store_on_delimiter = false;
    Allowed allowed{.hex = true, .colon_opening_gap = true};

    const auto store = [&](unsigned word) {
        if (count == k_words) {
            return false;
        }
        words[count++] = static_cast<std::uint16_t>(word);
        return true;
    };

    for (std::size_t i = 0;; ++i) {
        if (i == text.size()) {
            if (!allowed.end || (store_on_delimiter && !store(group))) {
                return std::nullopt;
            }
            break;
        }
        const char c = text[i];
        if (c == ':') {
            if (!allowed.any_colon() || (store_on_delimiter && !store(group))) {
                return std::nullopt;
            }
            group = 0;
            store_on_delimiter = true;
            if (allowed.colon_closing_gap) {
                gap = count;
                allowed = Allowed{.hex = true, .end = true};
                if (count == k_words) {
                    store_on_delimiter = false;
                }
            } else if (allowed.colon_after_group && allowed.colon_opening_gap) {
                allowed = Allowed{.hex = true, .colon_closing_gap = true};
            } else if (allowed.colon_after_group) {
                allowed = Allowed{.hex = true};
            } else {
                allowed = Allowed{.colon_closing_gap = true};
            }
            group_start = i + 1;
        } else if (c == '.') {
            if (!allowed.dot) {
                return std::nullopt;
            }
            // The group typed so far is re-read as the first part of a dotted
            // quad that must run to the end of the text.
            const auto tail = parse_dotted_quad(text.substr(group_start));
            if (!tail) {
                return std::nullopt;
            }
            store(static_cast<unsigned>((*tail)[0] << 8 | (*tail)[1]));
            store(static_cast<unsigned>((*tail)[2] << 8 | (*tail)[3]));
            break;
        } else if (const int digit = hex_value(c); digit >= 0) {
            if (!allowed.hex) {
                return std::nullopt;
            }
            group = group << 4 | static_cast<unsigned>(digit);
            store_on_delimiter = true;
            allowed = Allowed{.hex = group < 0x1000, .colon_after_group = true, .end = true};
            if (!gap && count + 1 < k_words) {
                allowed.colon_opening_gap = true;
                allowed.end = false;
            }
            if (count + 1 >= k_words) {
                allowed.colon_after_group = false;
                allowed.colon_opening_gap = false;
            }
        } else {
            // Any other character ends the kernel's scan early, so the text
            // is not consumed as a whole.
            return std::nullopt;
        }
        allowed.dot = (gap && count + 2 < k_words) || count + 2 == k_words;
        if (count >= k_words) {
            allowed.hex = false;
            allowed.colon_after_group = false;
            allowed.colon_opening_gap = false;
            allowed.colon_closing_gap = false;
        }
    }

    if (!gap && count != k_words) {
        return std::nullopt;
    }
    std::array<std::uint16_t, k_words> placed{};
    const std::size_t head = gap.value_or(count);
    for (std::size_t w = 0; w < head; ++w) {
        placed[w] = words[w];
    }
    const std::size_t tail = count - head;
    for (std::size_t w = 0; w < tail; ++w) {
        placed[k_words - tail + w] = words[head + w];
    }
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t w = 0; w < k_words; ++w) {
        bytes[2 * w] = static_cast<std::uint8_t>(placed[w] >> 8);
        bytes[2 * w + 1] = static_cast<std::uint8_t>(placed[w] & 0xff);
    }
    return bytes;
}

} // namespace

std::optional<std::uint16_t> parse_u16(std::string_view text) {
    // kstrtoull: one optional '+', then at least one decimal digit, then at
    // most one '\n'. Overflow is an error, never a wrap.
    text = without_one_newline(text);
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    if (text.empty()) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (const char c : text) {
        if (!is_decimal(c)) {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 0xffff) {
            return std::nullopt;
        }
    }
    return static_cast<std::uint16_t>(value);
}

std::optional<IpAddress> parse_ip(std::string_view text) {
    // netpoll_parse_ip_addr tries IPv4 first; both parsers must consume the
    // whole text. Since Linux 6.17 one trailing '\n' (from configfs writes) is
    // ignored; up to 6.16 it made the address invalid. 6.17+ even stops at an
    // embedded '\n' and ignores what follows; that cannot occur in a boot
    // string and is not modelled.
    text = without_one_newline(text);
    if (const auto v4 = parse_dotted_quad(text)) {
        return IpAddress::v4(*v4);
    }
    if (const auto v6 = parse_ipv6(text)) {
        return IpAddress::v6(*v6);
    }
    return std::nullopt;
}

std::optional<MacAddress> parse_mac_prefix(std::string_view text) {
    // mac_pton looks at exactly 17 characters and ignores the rest, so the boot
    // parser accepts "00:11:22:33:44:55:66" as 00:11:22:33:44:55.
    constexpr std::size_t k_text_length = 17;
    if (text.size() < k_text_length) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 6> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const int high = hex_value(text[3 * i]);
        const int low = hex_value(text[3 * i + 1]);
        if (high < 0 || low < 0 || (i + 1 < bytes.size() && text[3 * i + 2] != ':')) {
            return std::nullopt;
        }
        bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return MacAddress(bytes);
}

} // namespace ncs::kernel
