#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace {

std::string_view flag(ncs::Field field) noexcept {
    return field == ncs::Field::device ? "--dev" : field == ncs::Field::local_address ? "--src"
                                                                                       : "--?";
}

} // namespace

TEST_CASE("a mention is phrased by whoever shows the text") {
    const auto text = "give " + ncs::mention(ncs::Field::local_address) + " or " +
                      ncs::mention(ncs::Field::device);
    CHECK(ncs::phrase(text, &flag) == "give --src or --dev");
    CHECK(ncs::phrase_words(text) == "give local address or device");
    // The last field's number is still a mention.
    CHECK(ncs::phrase_words(ncs::mention(ncs::k_last_field)) ==
          ncs::field_word(ncs::k_last_field));
}

TEST_CASE("bytes that only look like a mention are kept") {
    // An interface name or a kernel line may hold the separator bytes themselves.
    const std::string odd = "a\x1e"
                            "b\x1f c\x1e"
                            "99\x1f d\x1e"
                            "\x1f e\x1e";
    CHECK(ncs::phrase(odd, &flag) == odd);
    CHECK(ncs::phrase("", &flag).empty());
}

TEST_CASE("errors keep their mentions and say them in words in what()") {
    const ncs::InputError error("no route; give " + ncs::mention(ncs::Field::device),
                                "or " + ncs::mention(ncs::Field::local_address));
    CHECK(std::string(error.what()) == "no route; give device");
    CHECK(ncs::phrase(error.text(), &flag) == "no route; give --dev");
    CHECK(ncs::phrase(error.hint(), &flag) == "or --src");
    const ncs::OperationError failed("the " + ncs::mention(ncs::Field::device) + " is down");
    CHECK(std::string(failed.what()) == "the device is down");
    CHECK(ncs::phrase(failed.text(), &flag) == "the --dev is down");
}

TEST_CASE("message_of keeps mentions, puts the location first and a field error's field") {
    ncs::FieldError field(ncs::Field::userdata, "key 'k' is given twice");
    field.locate("/etc/netconsole-setup.conf:3");
    CHECK(ncs::phrase(ncs::message_of(field), &flag) ==
          "/etc/netconsole-setup.conf:3: --?: key 'k' is given twice");
    CHECK(ncs::phrase(ncs::message_of(ncs::FieldError(ncs::Field::device, "is empty")), &flag) ==
          "--dev: is empty");
    const ncs::OperationError failed("no route; give " + ncs::mention(ncs::Field::device));
    CHECK(ncs::phrase(ncs::message_of(failed), &flag) == "no route; give --dev");
    CHECK(ncs::message_of(std::runtime_error("plain")) == "plain");
}

TEST_CASE("a missing target says only that, its kind tells a boot-time name") {
    const ncs::MissingTargetError boot("cmdline0", ncs::MissingTargetError::Kind::boot_time);
    CHECK(std::string(boot.what()) == "there is no netconsole target cmdline0");
    CHECK(boot.hint().empty());
    CHECK(boot.name() == "cmdline0");
    CHECK(boot.kind() == ncs::MissingTargetError::Kind::boot_time);
}

TEST_CASE("a rethrown error keeps its type and takes the innermost location") {
    try {
        try {
            try {
                throw ncs::FieldError(ncs::Field::device, "is empty");
            } catch (ncs::InputError& e) {
                e.locate("/etc/netconsole-setup.conf:3");
                throw;
            }
        } catch (ncs::InputError& e) {
            e.locate("command line"); // an outer handler does not move it
            throw;
        }
    } catch (const ncs::FieldError& e) {
        CHECK(e.field() == ncs::Field::device);
        CHECK(e.where() == "/etc/netconsole-setup.conf:3");
        CHECK(e.text() == "is empty");
        CHECK(std::string(e.what()) == "/etc/netconsole-setup.conf:3: is empty");
    }
}
