#include "model/errors.hpp"

#include <utility>

namespace ncs {

InputError::InputError(const std::string& message, std::string hint)
    : std::runtime_error(message), m_hint(std::move(hint)) {}

ParseError::ParseError(const std::string& message, std::string hint, std::size_t offset,
                       std::string at)
    : InputError(message, std::move(hint)), m_offset(offset), m_at(std::move(at)) {}

SourcedParseError::SourcedParseError(const ParseError& error, std::string source)
    : ParseError(error.what(), error.hint(), error.offset(), error.at()),
      m_source(std::move(source)) {}

FieldError::FieldError(Field field, const std::string& message, std::string hint)
    : InputError(message, std::move(hint)), m_field(field) {}

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
    }
    return "field";
}

OperationError::OperationError(const std::string& message, std::string hint)
    : std::runtime_error(message), m_hint(std::move(hint)) {}

} // namespace ncs
