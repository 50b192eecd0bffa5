#include "model/errors.hpp"

#include <utility>

namespace ncs {

InputError::InputError(const std::string& message, std::string hint)
    : std::runtime_error(message), m_hint(std::move(hint)) {}

ParseError::ParseError(const std::string& message, std::string hint, std::size_t offset,
                       std::string at)
    : InputError(message, std::move(hint)), m_offset(offset), m_at(std::move(at)) {}

OperationError::OperationError(const std::string& message, std::string hint)
    : std::runtime_error(message), m_hint(std::move(hint)) {}

} // namespace ncs
