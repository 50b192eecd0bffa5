#include "model/errors.hpp"

#include <string>
#include <utility>

namespace ncs {

InputError::InputError(const std::string& message, std::string hint)
    : std::runtime_error(message), m_text(message), m_hint(std::move(hint)) {
    compose();
}

void InputError::locate(const std::string& where) {
    if (m_where.empty()) {
        m_where = where;
        compose();
    }
}

void InputError::compose() {
    m_what = m_where.empty() ? phrase_words(m_text) : m_where + ": " + phrase_words(m_text);
}

ParseError::ParseError(const std::string& message, std::string hint, std::size_t offset,
                       std::string at)
    : InputError(message, std::move(hint)), m_offset(offset), m_at(std::move(at)) {}

SourcedParseError::SourcedParseError(const ParseError& error, std::string source)
    : ParseError(error.text(), error.hint(), error.offset(), error.at()),
      m_source(std::move(source)) {}

FieldError::FieldError(Field field, const std::string& message, std::string hint)
    : InputError(message, std::move(hint)), m_field(field) {}

MissingTargetError::MissingTargetError(std::string name, Kind kind)
    : InputError("there is no netconsole target " + name), m_name(std::move(name)), m_kind(kind) {}

const char* field_word(Field field) noexcept {
    switch (field) {
    case Field::destination: return "destination";
    case Field::remote_port: return "remote port";
    case Field::local_port: return "local port";
    case Field::local_address: return "local address";
    case Field::device: return "device";
    case Field::remote_mac: return "remote MAC";
    case Field::broadcast: return "broadcast";
    case Field::name: return "target name";
    case Field::console_level: return "console level";
    case Field::userdata: return "userdata";
    case Field::sysdata: return "sysdata";
    case Field::timeout: return "timeout";
    case Field::config_file: return "configuration file";
    case Field::listen_port: return "listen port";
    case Field::listen_address: return "listen address";
    case Field::allow: return "allowed network";
    case Field::output: return "output";
    case Field::kernel_release: return "kernel release";
    case Field::watchdog: return "watchdog timeout";
    case Field::workers: return "workers";
    case Field::forward: return "forward target";
    case Field::forward_ca: return "forward CA file";
    case Field::forward_cert: return "forward certificate";
    case Field::forward_key: return "forward key";
    case Field::forward_spool: return "forward spool directory";
    case Field::extended: return "extended format";
    case Field::release: return "release prefix";
    case Field::unconfirmed_mac: return "unconfirmed MAC";
    case Field::ipv4: return "IPv4";
    case Field::ipv6: return "IPv6";
    case Field::root: return "root directory";
    }
    return "field";
}

OperationError::OperationError(const std::string& message, std::string hint)
    : std::runtime_error(phrase_words(message)), m_text(message), m_hint(std::move(hint)) {}

namespace {

constexpr char k_mention_start = '\x1e';
constexpr char k_mention_end = '\x1f';
constexpr int k_field_count = static_cast<int>(k_last_field) + 1;

std::string_view word_of(Field field) noexcept { return field_word(field); }

} // namespace

std::string mention(Field field) {
    return k_mention_start + std::to_string(static_cast<int>(field)) + k_mention_end;
}

std::string phrase(std::string_view text, std::string_view (*name)(Field) noexcept) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto start = text.find(k_mention_start);
        out.append(text.substr(0, start));
        if (start == std::string_view::npos) {
            break;
        }
        text.remove_prefix(start);
        const auto end = text.find(k_mention_end);
        int number = -1;
        if (end != std::string_view::npos && end > 1 && end <= 3) {
            number = 0;
            for (const char c : text.substr(1, end - 1)) {
                number = c >= '0' && c <= '9' ? number * 10 + (c - '0') : k_field_count;
            }
        }
        if (number < 0 || number >= k_field_count) {
            // Not a mention: the byte is the text's own (printable() shows it).
            out += text.front();
            text.remove_prefix(1);
            continue;
        }
        out.append(name(static_cast<Field>(number)));
        text.remove_prefix(end + 1);
    }
    return out;
}

std::string phrase_words(std::string_view text) { return phrase(text, &word_of); }

std::string message_of(const std::exception& error) {
    if (const auto* input = dynamic_cast<const InputError*>(&error)) {
        std::string text = input->where().empty() ? std::string() : input->where() + ": ";
        if (const auto* field = dynamic_cast<const FieldError*>(&error)) {
            text += mention(field->field()) + ": ";
        }
        return text + input->text();
    }
    if (const auto* operation = dynamic_cast<const OperationError*>(&error)) {
        return operation->text();
    }
    return error.what();
}

} // namespace ncs
