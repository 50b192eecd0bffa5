// libFuzzer target for the netconsole= grammar and the text parsers under it.
// Besides "no crash, no sanitizer report", it checks the invariants callers rely
// on and aborts when one breaks:
//  - a value that parses formats, and the formatted text parses to equal targets;
//  - a ParseError points inside the input, at exactly its `at` text;
//  - only over-long values or a NUL give a plain InputError;
//  - an address parse_ip accepts comes back equal from its own to_string().
#include "grammar/boot_values.hpp"
#include "grammar/kernel_text.hpp"
#include "grammar/netconsole_string.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool condition, const char* what, std::string_view input) {
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\ninput: '%.*s'\n", what,
                     static_cast<int>(input.size()), input.data());
        std::abort();
    }
}

void check_round_trip(const ncs::grammar::ParseResult& result, std::string_view value) {
    for (const auto& parsed : result.targets) {
        require(parsed.offset <= value.size() &&
                    value.substr(parsed.offset, parsed.text.size()) == parsed.text,
                "target text is not where its offset says", value);
        const std::string text = ncs::grammar::format(parsed.target);
        const auto again = ncs::grammar::parse(text);
        require(again.targets.size() == 1, "formatted target does not parse as one target",
                value);
        require(again.targets[0].target == parsed.target,
                "format then parse does not give the target back", value);
    }
}

void check_parse(std::string_view value) {
    try {
        check_round_trip(ncs::grammar::parse(value), value);
    } catch (const ncs::ParseError& error) {
        require(error.offset() <= value.size(), "ParseError offset past the input", value);
        require(value.substr(error.offset(), error.at().size()) == error.at(),
                "ParseError at() is not the input text at its offset", value);
    } catch (const ncs::InputError&) {
        require(value.size() > 255 || value.find('\0') != std::string_view::npos,
                "InputError for a value that is short and has no NUL", value);
    }
}

void check_ip(std::string_view text) {
    if (const auto ip = ncs::kernel::parse_ip(text)) {
        const auto again = ncs::kernel::parse_ip(ip->to_string());
        require(again && *again == *ip, "parse_ip does not read its own to_string()", text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_parse(input);
    check_parse(ncs::grammar::strip_parameter_name(input));
    check_ip(input);
    (void)ncs::kernel::parse_u16(input);
    (void)ncs::kernel::parse_mac_prefix(input);
    for (const auto& found : ncs::grammar::find_in_kernel_cmdline(input)) {
        check_parse(found.value);
    }
    for (const auto& found : ncs::grammar::find_in_modprobe_conf(input)) {
        check_parse(found.value);
    }
    return 0;
}
