#include "ops/target_options.hpp"

#include "model/duration.hpp"
#include "model/errors.hpp"
#include "model/port.hpp"
#include "resolve/request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <variant>

namespace ncs::ops {
namespace {

/// A value parser's InputError as the FieldError of field (the parser names no field).
template <typename Parse>
auto in_field(Field field, Parse parse) {
    try {
        return parse();
    } catch (const InputError& e) {
        throw FieldError(field, e.text(), e.hint());
    }
}

/// What an option word sets: one value, a value each time it is given, or a switch.
using Single = std::optional<std::string> TargetOptions::*;
using Repeated = std::vector<std::string> TargetOptions::*;
using Switch = bool TargetOptions::*;

struct Word {
    OptionWord option;
    std::variant<Single, Repeated, Switch> into;
};

// The configuration file's words are the command line's target options (the CLI's
// unit test checks them against its flags).
const std::array<Word, 16> k_words = {{
    {{"--to", Field::destination}, &TargetOptions::to},
    {{"--port", Field::remote_port}, &TargetOptions::port},
    {{"--src-port", Field::local_port}, &TargetOptions::src_port},
    {{"--dev", Field::device}, &TargetOptions::dev},
    {{"--src", Field::local_address}, &TargetOptions::src},
    {{"--mac", Field::remote_mac}, &TargetOptions::mac},
    {{"--broadcast", Field::broadcast}, &TargetOptions::broadcast},
    {{"--extended", Field::extended}, &TargetOptions::extended},
    {{"--release", Field::release}, &TargetOptions::release},
    {{"--timeout", Field::timeout}, &TargetOptions::timeout},
    {{"--allow-unconfirmed-mac", Field::unconfirmed_mac}, &TargetOptions::allow_unconfirmed_mac},
    {{"-4", Field::ipv4}, &TargetOptions::ipv4},
    {{"-6", Field::ipv6}, &TargetOptions::ipv6},
    {{"--name", Field::name}, &TargetOptions::name},
    {{"--userdata", Field::userdata}, &TargetOptions::userdata},
    {{"--sysdata", Field::sysdata}, &TargetOptions::sysdata},
}};

const Word* find_word(std::string_view word) {
    const auto found = std::find_if(k_words.begin(), k_words.end(),
                                    [word](const Word& w) { return w.option.word == word; });
    return found == k_words.end() ? nullptr : &*found;
}

/// Edits (insert, delete, replace a character) that turn a into b.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        auto diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const auto above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                               diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The hint for an unknown option word: the nearest known one when it is a typo away
/// or the word is its beginning ("--allow-unconfirmed").
std::string unknown_word_hint(std::string_view word) {
    const Word* nearest = nullptr;
    std::size_t best = 3; // more edits than two is another word, not a typo
    for (const auto& w : k_words) {
        const bool beginning = word.size() > 3 && w.option.word.starts_with(word);
        const auto distance = beginning ? 1 : edit_distance(word, w.option.word);
        if (distance < best) {
            best = distance;
            nearest = &w;
        }
    }
    if (nearest != nullptr) {
        return fmt::format("did you mean {}?", mention(nearest->option.field));
    }
    return "a line holds one target's options, as the command line gives them";
}

/// A switch's value in the "--extended=VALUE" form, which the command line accepts too.
bool switch_value(std::string_view text, Field field) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto* yes : {"true", "yes", "on", "1"}) {
        if (lower == yes) {
            return true;
        }
    }
    for (const auto* no : {"false", "no", "off", "0"}) {
        if (lower == no) {
            return false;
        }
    }
    throw FieldError(field, fmt::format("'{}' is not a switch value", text),
                     "give it alone, or with =true or =false");
}

} // namespace

Device parse_device(std::string_view text) {
    if (text.empty()) {
        throw FieldError(Field::device, "the interface name is empty");
    }
    // The kernel's rule for the dev field (6.15+): with a ':' it is a MAC. No interface
    // name can hold one (dev_valid_name() refuses it; "eth0:1" is an address label).
    if (text.find(':') == std::string_view::npos) {
        return std::string(text);
    }
    if (const auto mac = MacAddress::try_parse(text)) {
        return *mac;
    }
    throw FieldError(Field::device, fmt::format("'{}' is neither an interface name nor a MAC", text),
                     "a ':' makes it a MAC, six hex pairs as 52:54:00:12:34:56; no interface "
                     "name holds a ':'");
}

std::vector<OptionWord> option_words() {
    std::vector<OptionWord> words;
    for (const auto& w : k_words) {
        words.push_back(w.option);
    }
    return words;
}

TargetOptions parse_target_words(const std::vector<std::string>& words) {
    TargetOptions options;
    bool options_end = false; // after "--" no word is an option
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string_view word = words[i];
        if (!options_end && word == "--") {
            options_end = true;
            continue;
        }
        if (options_end) {
            throw InputError(fmt::format("'{}' follows '--', but a line holds options only", word),
                             "drop the '--'");
        }
        if (word.empty() || word.front() != '-') {
            throw InputError(fmt::format("'{}' is not an option", word),
                             "each value follows its own option, one value each time");
        }
        // "--word=VALUE" is "--word VALUE" (a switch: =true, =false); not for "-4", "-6".
        const auto equals = word.starts_with("--") ? word.find('=') : std::string_view::npos;
        const auto name = word.substr(0, equals);
        const auto* known = find_word(name);
        if (known == nullptr) {
            throw InputError(fmt::format("unknown option '{}'", name), unknown_word_hint(name));
        }
        const auto field = known->option.field;
        if (const auto* flag = std::get_if<Switch>(&known->into)) {
            options.*(*flag) =
                equals == std::string_view::npos || switch_value(word.substr(equals + 1), field);
            continue;
        }
        std::optional<std::string> value;
        if (equals != std::string_view::npos) {
            if (equals + 1 < word.size()) {
                value = word.substr(equals + 1); // "--name=" gives none, as the command line
            }
        } else if (i + 1 < words.size()) {
            value = words[++i]; // the next word, whatever it looks like (as getopt takes it)
        }
        if (!value) {
            throw FieldError(field, "the value is missing",
                             "the value is the next word, or follows '='");
        }
        if (const auto* repeated = std::get_if<Repeated>(&known->into)) {
            (options.*(*repeated)).push_back(std::move(*value));
            continue;
        }
        auto& single = options.*std::get<Single>(known->into);
        if (single) {
            throw FieldError(field, "given twice", "a line is one target: give each option once");
        }
        single = std::move(value);
    }
    return options;
}

namespace {

/// No option value but name and userdata holds a C0 control character or DEL: none is
/// part of an address, a port or an interface name netconsole could use, and the
/// bytes a message mentions a field by (mention()) must not come from the user's text.
void refuse_control_characters(const TargetOptions& options) {
    const auto check = [](Field field, std::string_view value) {
        for (const char c : value) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte < 0x20 || byte == 0x7f) {
                throw FieldError(field,
                                 fmt::format("the value holds a control character (byte 0x{:02x})",
                                             byte));
            }
        }
    };
    const auto check_optional = [&](Field field, const std::optional<std::string>& value) {
        if (value) {
            check(field, *value);
        }
    };
    for (const auto& to : options.to) {
        check(Field::destination, to);
    }
    check_optional(Field::remote_port, options.port);
    check_optional(Field::local_port, options.src_port);
    check_optional(Field::device, options.dev);
    check_optional(Field::local_address, options.src);
    check_optional(Field::remote_mac, options.mac);
    check_optional(Field::timeout, options.timeout);
    check_optional(Field::sysdata, options.sysdata);
    // A name has its own rule for every source (apply::validate_target_name); userdata
    // values are the user's own text, which the kernel takes with anything but a newline.
}

} // namespace

std::vector<TargetRequest> make_requests(const TargetOptions& options) {
    refuse_control_characters(options);
    if (options.to.empty()) {
        throw InputError("no target given",
                         fmt::format("add {} ADDR (the doctor's address)",
                                     mention(Field::destination)));
    }
    if (options.ipv4 && options.ipv6) {
        throw InputError(fmt::format("{} and {} exclude each other", mention(Field::ipv4),
                                     mention(Field::ipv6)));
    }
    if (options.release && !options.extended) {
        throw InputError(fmt::format("{} needs {}", mention(Field::release),
                                     mention(Field::extended)),
                         "the kernel prepends the release only to extended messages");
    }

    TargetRequest common;
    if (options.port) {
        common.remote_port = parse_port(*options.port, mention(Field::remote_port));
    }
    if (options.src_port) {
        common.local_port = parse_port(*options.src_port, mention(Field::local_port));
    }
    if (options.dev) {
        common.dev = parse_device(*options.dev);
    }
    if (options.src) {
        common.src = in_field(Field::local_address, [&] { return IpAddress::parse(*options.src); });
    }
    if (options.mac) {
        common.mac = in_field(Field::remote_mac, [&] { return MacAddress::parse(*options.mac); });
    }
    common.broadcast = options.broadcast;
    refuse_mac_with_broadcast(common);
    common.extended = options.extended;
    common.release = options.release;
    if (options.timeout) {
        common.timeout = in_field(Field::timeout, [&] { return parse_duration(*options.timeout); });
    }
    if (options.allow_unconfirmed_mac) {
        common.unconfirmed_mac = UnconfirmedMac::accept;
    }
    if (options.ipv4) {
        common.family = IpFamily::v4;
    } else if (options.ipv6) {
        common.family = IpFamily::v6;
    }

    const auto to = mention(Field::destination);
    std::vector<TargetRequest> requests;
    for (const auto& destination : options.to) {
        if (destination.empty()) {
            throw FieldError(Field::destination, "the address is empty");
        }
        if (destination.front() == '[') {
            // [ADDR] is URL syntax for an address followed by :PORT; the destination is
            // the address alone (the port is its own field).
            throw InputError(
                fmt::format("{} {}: brackets are not part of an address", to, destination),
                fmt::format("write {} {}", to, destination.substr(1, destination.find(']') - 1)));
        }
        auto request = common;
        request.to = destination;
        if (const auto address = IpAddress::try_parse(destination)) {
            if (request.family && address->family() != *request.family) {
                throw FieldError(Field::destination,
                                 fmt::format("{} is not an {} address", destination,
                                             *request.family));
            }
            if (request.src) {
                require_one_family(*request.src, *address);
            }
        }
        requests.push_back(std::move(request));
    }
    return requests;
}

std::vector<reconcile::DesiredTarget> make_desired(const TargetOptions& options,
                                                   std::string_view where) {
    const auto requests = make_requests(options);
    if (options.name && requests.size() != 1) {
        throw InputError(fmt::format("{} needs exactly one {}", mention(Field::name),
                                     mention(Field::destination)),
                         "apply the targets one at a time to name each");
    }
    std::vector<reconcile::DesiredTarget> desired;
    for (const auto& request : requests) {
        reconcile::DesiredTarget d;
        d.where = where;
        d.request = request;
        d.name = options.name;
        for (const auto& text : options.userdata) {
            d.userdata.push_back(parse_userdata(text));
        }
        if (options.sysdata) {
            d.sysdata = parse_sysdata(*options.sysdata);
        }
        desired.push_back(std::move(d));
    }
    return desired;
}

UserdataEntry parse_userdata(std::string_view text) {
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        throw FieldError(Field::userdata, fmt::format("'{}' is not KEY=VALUE", text),
                         fmt::format("for example {} host=web1", mention(Field::userdata)));
    }
    return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

Sysdata parse_sysdata(std::string_view text) {
    Sysdata sysdata;
    if (text.empty()) {
        return sysdata;
    }
    while (true) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        if (item == "cpu_nr") {
            sysdata.cpu_nr = true;
        } else if (item == "taskname") {
            sysdata.taskname = true;
        } else if (item == "release") {
            sysdata.release = true;
        } else if (item == "msgid") {
            sysdata.msgid = true;
        } else {
            throw FieldError(Field::sysdata, fmt::format("unknown switch '{}'", item),
                             "the switches are cpu_nr, taskname, release and msgid");
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return sysdata;
}

} // namespace ncs::ops
