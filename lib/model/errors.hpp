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

/// A ParseError in a value read from a file; source names the file ("/proc/cmdline").
class SourcedParseError : public ParseError {
public:
    SourcedParseError(const ParseError& error, std::string source);
    /// The file the value was read from.
    const std::string& source() const noexcept { return m_source; }

private:
    std::string m_source;
};

/// The field of a library request that a FieldError is about. The library names fields,
/// never a CLI flag: the CLI phrases the flag (issue 21). Add a field when a request gains one.
enum class Field {
    destination,    ///< the doctor's address or host name
    remote_port,    ///< the doctor's UDP port
    local_port,     ///< the patient's UDP source port
    local_address,  ///< the patient's source address
    device,         ///< the patient's interface
    remote_mac,     ///< the next hop's (or doctor's) MAC
    broadcast,      ///< send to the broadcast MAC
    name,           ///< the configfs target's name
    console_level,  ///< a printk console level, 1-8
    userdata,       ///< userdata entries
    sysdata,        ///< sysdata fields
    timeout,        ///< a wait, in seconds
    config_file,    ///< a configuration file
    listen_port,    ///< a port the doctor listens on
    listen_address, ///< the address the doctor listens on
    allow,          ///< an allowed sender network
    output,         ///< an output file or directory
    kernel_release, ///< a kernel release
    watchdog,       ///< a watchdog timeout
    workers,        ///< the doctor's receiving threads
    forward,        ///< a forward target (URL)
    forward_ca,     ///< the CA a forward target's certificate is checked against
    forward_cert,   ///< the client certificate for forward targets
    forward_key,    ///< its key
    forward_spool,  ///< the forward targets' spool directory
};

/// A word for a field where no CLI phrases it ("remote port"), for library users' messages.
const char* field_word(Field field) noexcept;

/// Invalid input in one field of a request. what() is the message without the field's
/// name in front; the CLI prefixes its flag ("--port: "), a library user field_word().
class FieldError : public InputError {
public:
    FieldError(Field field, const std::string& message, std::string hint = {});
    /// The request field at fault.
    Field field() const noexcept { return m_field; }

private:
    Field m_field;
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
        not_extended,       ///< userdata or sysdata on a target that is not extended (check())
    };
    std::string message;
    std::string hint;
    Kind kind = Kind::general;
    bool operator==(const Warning&) const = default;
};

} // namespace ncs
