#pragma once
// Error types shared by the library. The CLI maps them to exit codes:
// InputError -> 2 (invalid usage or input), OperationError and
// std::system_error -> 1 (the operation failed).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ncs {

/// The fields of a request (below) a message may mention. Declared here so that every
/// error and warning can carry mentions.
enum class Field;

/// Invalid user input: the message names the offending text, the hint says what to do.
/// Message and hint may mention request fields (mention()): what() phrases them in the
/// library's words (field_word()), text() and hint() keep the mentions for a caller
/// that names fields its own way (the CLI: by flag, phrase()).
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message, std::string hint = {});
    /// "[where: ]message", mentions phrased by field_word().
    const char* what() const noexcept override { return m_what.c_str(); }
    /// The message, mentions kept, without where().
    const std::string& text() const noexcept { return m_text; }
    /// One line of advice, or empty; mentions kept.
    const std::string& hint() const noexcept { return m_hint; }
    /// Where the input came from ("/etc/netconsole-setup.conf:3", "command line"), or
    /// empty: the caller's own request.
    const std::string& where() const noexcept { return m_where; }
    /// Sets where() unless it is set already (the innermost location wins), so a handler
    /// adds the location and rethrows the same object: `catch (InputError& e) { e.locate(w);
    /// throw; }` keeps its type (FieldError, ParseError).
    void locate(const std::string& where);

private:
    void compose();
    std::string m_text;
    std::string m_hint;
    std::string m_where;
    std::string m_what;
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
    extended,       ///< the extended message format
    release,        ///< the kernel release before each message
    unconfirmed_mac, ///< accept a cached next-hop MAC that did not confirm
    ipv4,           ///< a host name resolved to IPv4 only
    ipv6,           ///< a host name resolved to IPv6 only
    root,           ///< the directory every system path is read under
    // A new field goes before this line and into k_last_field when it is the last.
};

/// The last field: mention() numbers run up to it.
inline constexpr Field k_last_field = Field::root;

/// A word for a field where no CLI phrases it ("remote port"), for library users' messages.
const char* field_word(Field field) noexcept;

/// A reference to field inside a library message or hint ("give {} to choose" with
/// mention(Field::local_address)). The library never writes a CLI flag: the one who shows
/// the text phrases each mention in its own words (phrase()). Encoded in-band as
/// "\x1e<number>\x1f", bytes that printable text never holds; the target options refuse
/// control characters, so a user's value cannot hold a mention of its own.
std::string mention(Field field);

/// text with every mention replaced by name(field); anything else is kept as it is.
std::string phrase(std::string_view text, std::string_view (*name)(Field) noexcept);

/// text with every mention replaced by field_word(): for a reader with no flags.
std::string phrase_words(std::string_view text);

/// Invalid input in one field of a request. text() and what() are the message without the
/// field's name in front; the CLI prefixes its flag (--port: ...), a library user field_word().
class FieldError : public InputError {
public:
    FieldError(Field field, const std::string& message, std::string hint = {});
    /// The request field at fault.
    Field field() const noexcept { return m_field; }

private:
    Field m_field;
};

/// A netconsole target that is not in configfs (enable, disable, remove, test by name).
/// It says no more than that: the one who shows it tells how to see the targets or, for
/// a boot-time name (cmdlineN), how to adopt one.
class MissingTargetError : public InputError {
public:
    /// Whether the name is one the kernel gives boot-time targets.
    enum class Kind { made, boot_time };
    MissingTargetError(std::string name, Kind kind);
    const std::string& name() const noexcept { return m_name; }
    Kind kind() const noexcept { return m_kind; }

private:
    std::string m_name;
    Kind m_kind;
};

/// An operation on a valid request failed (no route, no neighbour answer, ...).
/// Message and hint may mention request fields, as InputError's.
class OperationError : public std::runtime_error {
public:
    explicit OperationError(const std::string& message, std::string hint = {});
    /// The message, mentions kept (what() phrases them by field_word()).
    const std::string& text() const noexcept { return m_text; }
    /// One line of advice, or empty; mentions kept.
    const std::string& hint() const noexcept { return m_hint; }

private:
    std::string m_text;
    std::string m_hint;
};

/// error's message for text shown later (a watch's unresolved warning), mentions kept:
/// "[where: ][<field mentioned>: ]text" for an InputError (a FieldError's field in front),
/// text() for an OperationError, what() for any other exception.
std::string message_of(const std::exception& error);

/// Something the user should know that does not stop the operation. message and hint
/// may mention request fields (phrase() them before showing).
struct Warning {
    /// What it is about, so callers choose warnings by kind, never by their text.
    enum class Kind {
        general,
        needs_newer_kernel, ///< a feature of a newer kernel than some have (check())
        panic_lost,         ///< a panic will not reach the doctor (crash_delivery)
        not_extended,       ///< userdata or sysdata on a target that is not extended (check())
        console_quiet,      ///< the console log level holds messages back (the CLI's hint
                            ///< names its command that raises it)
    };
    std::string message;
    std::string hint;
    Kind kind = Kind::general;
    bool operator==(const Warning&) const = default;
};

} // namespace ncs
