#pragma once
// Error types shared by the library. The CLI maps them to exit codes:
// InputError -> 2 (invalid usage or input), OperationError and
// std::system_error -> 1 (the operation failed).

#include <cstddef>
#include <stdexcept>
#include <string>

namespace ncs {

/// Invalid user input: the message names the offending text, the hint says what to do.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message, std::string hint = {});
    /// One line of advice, or empty.
    const std::string& hint() const noexcept { return m_hint; }

private:
    std::string m_hint;
};

/// A netconsole= value the kernel would reject; carries the kernel's stop point.
class ParseError : public InputError {
public:
    ParseError(const std::string& message, std::string hint, std::size_t offset, std::string at);
    /// Byte offset of the stop point inside the parsed value.
    std::size_t offset() const noexcept { return m_offset; }
    /// The text the kernel would print in "couldn't parse config at '<text>'".
    const std::string& at() const noexcept { return m_at; }

private:
    std::size_t m_offset;
    std::string m_at;
};

/// An operation on a valid request failed (no route, no neighbour answer, ...).
class OperationError : public std::runtime_error {
public:
    explicit OperationError(const std::string& message, std::string hint = {});
    /// One line of advice, or empty.
    const std::string& hint() const noexcept { return m_hint; }

private:
    std::string m_hint;
};

/// Something the user should know that does not stop the operation.
struct Warning {
    /// What it is about, so callers choose warnings by kind, never by their text.
    enum class Kind {
        general,
        needs_newer_kernel, ///< a feature of a newer kernel than some have (check())
        panic_lost,         ///< a panic will not reach the doctor (crash_delivery)
    };
    std::string message;
    std::string hint;
    Kind kind = Kind::general;
    bool operator==(const Warning&) const = default;
};

} // namespace ncs
