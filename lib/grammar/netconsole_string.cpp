#include "grammar/netconsole_string.hpp"

#include "grammar/kernel_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

// The walk below follows netconsole_parser_cmdline() (drivers/net/netconsole.c,
// v6.17+; netpoll_parse_options() in net/core/netpoll.c before that) and the
// prefix handling of alloc_param_target(). Spec: kernel-netconsole.md §1.2-§1.6.

namespace ncs::grammar {
namespace {

constexpr std::string_view k_syntax_hint =
    "the form is [+][r][src-port]@[src-ip]/[dev],[tgt-port]@tgt-ip/[tgt-mac]";

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool has_blank(std::string_view text) {
    return std::any_of(text.begin(), text.end(), is_blank);
}

bool all_decimal(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

/// "24", "64", "128": what a prefix length looks like.
bool looks_like_prefix_length(std::string_view text) {
    return all_decimal(text) && text.size() <= 3;
}

/// Letters, digits, '-' and '.' with at least one letter and no ':': a DNS name.
bool looks_like_host_name(std::string_view text) {
    if (text.empty() || text.find(':') != std::string_view::npos) {
        return false;
    }
    const bool name_chars = std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
    });
    const bool has_letter = std::any_of(text.begin(), text.end(), [](char c) {
        return std::isalpha(static_cast<unsigned char>(c)) != 0;
    });
    return name_chars && has_letter;
}

enum class Side { source, target };

std::string port_hint(std::string_view text, Side side) {
    if (side == Side::source && text.find_first_of("/,") != std::string_view::npos) {
        return "the first '@' in the target ends the source port; the '@' after the source "
               "port seems to be missing";
    }
    if (has_blank(text)) {
        return "the kernel allows no whitespace in a port";
    }
    if (all_decimal(text.substr(text.starts_with('+') ? 1 : 0))) {
        return "a port is at most 65535";
    }
    return "a port is a decimal number from 0 to 65535";
}

/// Advice for the usual ways of writing an address the kernel cannot read, or empty.
std::string specific_ip_hint(std::string_view text) {
    if (text.find_first_of("[]") != std::string_view::npos) {
        return "write IPv6 without brackets";
    }
    if (text.find('%') != std::string_view::npos) {
        return "the kernel takes no zone; put the interface in the dev field";
    }
    if (has_blank(text)) {
        return "the kernel allows no whitespace in an IP address";
    }
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        const auto before_colon = kernel::parse_ip(text.substr(0, colon));
        if (before_colon && before_colon->is_v4()) {
            return "the port goes before the '@', not after the IP";
        }
    }
    if (looks_like_host_name(text)) {
        return "the kernel needs an IP address, not a host name";
    }
    return {};
}

std::string ip_hint(std::string_view text, std::string_view which) {
    if (text.empty()) {
        return fmt::format("the {} is required", which);
    }
    auto hint = specific_ip_hint(text);
    return hint.empty() ? fmt::format("the {} must be an IPv4 or IPv6 address", which) : hint;
}

std::string mac_hint(std::string_view text) {
    if (text.find('-') != std::string_view::npos) {
        return "write the MAC with ':' between the pairs, not '-'";
    }
    if (looks_like_prefix_length(text) ||
        (text.find('/') != std::string_view::npos &&
         looks_like_prefix_length(text.substr(0, text.find('/'))))) {
        return "no prefix length: the text after the target IP's '/' is the MAC address";
    }
    if (has_blank(text.substr(0, std::min<std::size_t>(text.size(), 17)))) {
        return "the kernel allows no whitespace in a MAC address";
    }
    return "a MAC address is six two-digit hex pairs separated by ':' (aa:bb:cc:dd:ee:ff)";
}

std::string device_mac_hint(std::string_view text) {
    const auto colon = text.find(':');
    if (colon > 0 && colon + 1 < text.size() && colon < 16 && all_decimal(text.substr(colon + 1))) {
        return fmt::format("since Linux {} a ':' in the dev field means a MAC; an alias label "
                           "such as eth0:1 is not a device, use its parent",
                           to_string(added_in::device_by_mac));
    }
    return mac_hint(text);
}

/// Walks one target exactly like the kernel; throws ParseError where it stops.
class TargetParser {
public:
    TargetParser(std::string_view token, std::size_t offset, ParseResult& result)
        : m_token(token), m_offset(offset), m_result(result) {}

    ParsedTarget run();

private:
    [[noreturn]] void fail(std::size_t begin, std::size_t end, std::string hint) const;
    bool at(char c) const { return m_cur < m_token.size() && m_token[m_cur] == c; }
    /// The field from the cursor to the first `delimiter`; throws when there is none.
    std::string_view field_until(char delimiter, std::string hint_if_missing);
    void parse_prefixes();
    void parse_port(Side side);
    void parse_local_ip();
    void parse_device();
    void parse_remote_ip();
    void parse_remote_mac();
    void warn(std::string message, std::string hint = {});

    std::string_view m_token;
    std::size_t m_offset;
    ParseResult& m_result;
    std::size_t m_cur = 0;
    std::size_t m_field_end = 0;
    ParsedTarget m_parsed;
    std::optional<IpFamily> m_pinned_family;
};

void TargetParser::fail(std::size_t begin, std::size_t end, std::string hint) const {
    const std::string text(m_token.substr(begin, end - begin));
    throw ParseError(fmt::format("couldn't parse config at '{}'", text), std::move(hint),
                     m_offset + begin, text);
}

void TargetParser::warn(std::string message, std::string hint) {
    Warning warning{std::move(message), std::move(hint)};
    if (std::find(m_result.warnings.begin(), m_result.warnings.end(), warning) ==
        m_result.warnings.end()) {
        m_result.warnings.push_back(std::move(warning));
    }
}

std::string_view TargetParser::field_until(char delimiter, std::string hint_if_missing) {
    m_field_end = m_token.find(delimiter, m_cur);
    if (m_field_end == std::string_view::npos) {
        // The kernel prints everything that is left when a separator is missing.
        fail(m_cur, m_token.size(), std::move(hint_if_missing));
    }
    return m_token.substr(m_cur, m_field_end - m_cur);
}

ParsedTarget TargetParser::run() {
    m_parsed.text = std::string(m_token);
    m_parsed.offset = m_offset;
    if (m_token.empty()) {
        fail(0, 0, "remove the empty target (a leading, trailing or doubled ';')");
    }
    parse_prefixes();
    parse_port(Side::source);
    parse_local_ip();
    parse_device();
    parse_port(Side::target);
    parse_remote_ip();
    parse_remote_mac();
    return std::move(m_parsed);
}

void TargetParser::parse_prefixes() {
    Target& t = m_parsed.target;
    // Exactly one '+' is a flag; a second one is the sign kstrtou16 allows, so
    // "++6665@..." is extended with source port 6665.
    if (at('+')) {
        t.extended = true;
        ++m_cur;
    } else {
        m_parsed.defaulted.push_back(Field::extended);
    }
    // Linux 6.6+: 'r' only after '+' (unless CONFIG_NETCONSOLE_EXTENDED_LOG=y,
    // which this parser does not assume); "r+" is release without extended.
    if (at('r')) {
        if (!t.extended) {
            fail(m_cur, m_token.size(), "r needs + before it (+r)");
        }
        t.release = true;
        ++m_cur;
        warn(release_needs_newer_kernel());
    } else {
        m_parsed.defaulted.push_back(Field::release);
    }
}

void TargetParser::parse_port(Side side) {
    const Field field = side == Side::source ? Field::local_port : Field::remote_port;
    if (at('@')) {
        m_parsed.defaulted.push_back(field);
    } else {
        // strchr: the first '@' anywhere in the rest ends the port.
        const auto text = field_until('@', std::string(k_syntax_hint));
        const auto port = kernel::parse_u16(text);
        if (!port) {
            // Before the target port the kernel also logs "warning: whitespace is
            // not allowed" when the field starts with a blank.
            fail(m_cur, m_field_end, port_hint(text, side));
        }
        (side == Side::source ? m_parsed.target.local_port : m_parsed.target.remote_port) = *port;
        m_cur = m_field_end;
    }
    ++m_cur;
}

void TargetParser::parse_local_ip() {
    if (at('/')) {
        m_parsed.defaulted.push_back(Field::local_ip);
    } else {
        const auto missing_hint = specific_ip_hint(m_token.substr(m_cur));
        const auto text =
            field_until('/', missing_hint.empty() ? std::string(k_syntax_hint) : missing_hint);
        const auto ip = kernel::parse_ip(text);
        if (!ip) {
            fail(m_cur, m_field_end, ip_hint(text, "source IP"));
        }
        // Even 0.0.0.0 or :: fixes the family the target IP must have; the
        // address itself then means "use the device's address".
        m_pinned_family = ip->family();
        if (!ip->is_unspecified()) {
            m_parsed.target.local_ip = *ip;
        }
        m_cur = m_field_end;
    }
    ++m_cur;
}

void TargetParser::parse_device() {
    if (at(',')) {
        m_parsed.defaulted.push_back(Field::dev_name);
    } else {
        const auto text = field_until(',', std::string(k_syntax_hint));
        if (text.find(':') == std::string_view::npos) {
            // strscpy into IFNAMSIZ: silently cut to 15 characters.
            const auto name = text.substr(0, k_max_ifname);
            if (name.size() < text.size()) {
                warn(fmt::format("interface name '{}' is longer than {} characters; the kernel "
                                 "truncates it to '{}'",
                                 text, k_max_ifname, name));
            }
            if (looks_like_prefix_length(text) || text.find('/') != std::string_view::npos) {
                warn(fmt::format("interface name '{}' looks like a prefix length", text),
                     "no prefix length: the text after the source IP's '/' is the device");
            } else if (has_blank(text)) {
                warn(fmt::format("interface name '{}' contains whitespace", text),
                     "no interface can have that name");
            }
            m_parsed.target.device = std::string(name);
        } else {
            // Linux 6.15+ binds by MAC when the field has a ':'; older kernels take
            // it as a (truncated) name and fail at setup.
            const auto mac = kernel::parse_mac_prefix(text);
            if (!mac) {
                fail(m_cur, m_field_end, device_mac_hint(text));
            }
            m_parsed.target.device = *mac;
            warn(device_by_mac_needs_newer_kernel(), "older kernels take it as an interface name");
        }
        m_cur = m_field_end;
    }
    ++m_cur;
}

void TargetParser::parse_remote_ip() {
    const auto rest = m_token.substr(std::min(m_cur, m_token.size()));
    const bool rest_is_ip = kernel::parse_ip(rest).has_value();
    const auto text = field_until(
        '/', rest_is_ip ? "end the target IP with '/'; the kernel needs it even without a MAC"
                        : ip_hint(rest, "target IP"));
    const auto ip = kernel::parse_ip(text);
    if (!ip) {
        fail(m_cur, m_field_end, ip_hint(text, "target IP"));
    }
    if (m_pinned_family && *m_pinned_family != ip->family()) {
        fail(m_cur, m_field_end,
             fmt::format("the source IP is {} but the target IP is {}; use one family",
                         to_string(*m_pinned_family), to_string(ip->family())));
    }
    m_parsed.target.remote_ip = *ip;
    m_cur = m_field_end + 1;
}

void TargetParser::parse_remote_mac() {
    if (m_cur >= m_token.size()) {
        m_parsed.defaulted.push_back(Field::remote_mac);
        return;
    }
    const auto text = m_token.substr(m_cur);
    const auto mac = kernel::parse_mac_prefix(text);
    if (!mac) {
        fail(m_cur, m_token.size(), mac_hint(text));
    }
    m_parsed.target.remote_mac = *mac;
}

std::string_view strip_quotes(std::string_view text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        return text.substr(1, text.size() - 2);
    }
    return text;
}

std::string device_text(const Target& target) {
    if (const auto* mac = target.device_mac()) {
        return mac->to_string();
    }
    const std::string& name = *target.device_name();
    if (name.empty() || name.size() > k_max_ifname ||
        name.find_first_of(",;:") != std::string::npos || name.find('\0') != std::string::npos) {
        throw InputError(fmt::format("device name '{}' cannot be written in a netconsole= value",
                                     name),
                         fmt::format("an interface name has 1 to {} characters and no ',', ';' "
                                     "or ':'",
                                     k_max_ifname));
    }
    return name;
}

} // namespace

std::string_view to_string(Field field) {
    switch (field) {
    case Field::extended: return "extended";
    case Field::release: return "release";
    case Field::local_port: return "local_port";
    case Field::local_ip: return "local_ip";
    case Field::dev_name: return "dev_name";
    case Field::remote_port: return "remote_port";
    case Field::remote_ip: return "remote_ip";
    case Field::remote_mac: return "remote_mac";
    }
    return "unknown";
}

ParseResult parse(std::string_view value) {
    if (value.size() > k_max_config_length) {
        throw InputError(fmt::format("the netconsole value is {} characters long", value.size()),
                         fmt::format("the kernel keeps at most {} characters",
                                     k_max_config_length));
    }
    if (const auto nul = value.find('\0'); nul != std::string_view::npos) {
        throw InputError(fmt::format("the netconsole value has a NUL character at offset {}", nul),
                         "the kernel would stop reading there");
    }
    ParseResult result;
    // init_netconsole only splits a non-empty buffer; strsep then yields every
    // token, empty ones included.
    if (value.empty()) {
        return result;
    }
    std::size_t begin = 0;
    while (true) {
        const std::size_t end = std::min(value.find(';', begin), value.size());
        result.targets.push_back(
            TargetParser(value.substr(begin, end - begin), begin, result).run());
        if (end == value.size()) {
            break;
        }
        begin = end + 1;
    }
    return result;
}

std::string_view strip_parameter_name(std::string_view text) {
    // The kernel command line also allows the whole parameter in quotes.
    const bool whole_quoted = text.size() >= 2 && text.front() == '"' && text.back() == '"';
    std::string_view inner = whole_quoted ? text.substr(1, text.size() - 2) : text;
    for (const std::string_view name : {"netconsole.netconsole=", "netconsole="}) {
        if (inner.starts_with(name)) {
            inner.remove_prefix(name.size());
            return whole_quoted ? inner : strip_quotes(inner);
        }
    }
    return strip_quotes(text);
}

std::string format(const Target& target) {
    if (target.release && !target.extended) {
        throw InputError("release needs extended mode",
                         fmt::format("add {} (the '+' prefix)", mention(ncs::Field::extended)));
    }
    if (target.local_ip) {
        require_one_family(*target.local_ip, target.remote_ip);
    }
    const IpAddress local = target.local_ip.value_or(IpAddress::any(target.family()));
    return fmt::format("{}{}{}@{}/{},{}@{}/{}", target.extended ? "+" : "",
                       target.release ? "r" : "", target.local_port, local.to_string(),
                       device_text(target), target.remote_port, target.remote_ip.to_string(),
                       target.remote_mac.to_string());
}

std::string format(std::span<const Target> targets) {
    std::string out;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (i > 0) {
            out += ';';
        }
        out += format(targets[i]);
    }
    if (out.size() > k_max_config_length) {
        throw InputError(fmt::format("the netconsole value would be {} characters long",
                                     out.size()),
                         fmt::format("the kernel keeps at most {} characters",
                                     k_max_config_length));
    }
    return out;
}

} // namespace ncs::grammar
