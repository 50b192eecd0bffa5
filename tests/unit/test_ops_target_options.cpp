// lib/ops/target_options.cpp, the words of a target: the configuration line's grammar
// (parse_target_words) and the one builder (make_requests, make_desired) that the
// command line's options reach too; lib/ops/config.cpp's use of them, a line located at
// FILE:LINE (desired_of_line, read_configuration) and a destination given twice.
#include "ops/config.hpp"
#include "ops/target_options.hpp"

#include "model/errors.hpp"
#include "persist/config_file.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using ncs::Field;
using ncs::FieldError;
using ncs::InputError;
using ncs::mention;
using ncs::ops::make_desired;
using ncs::ops::make_requests;
using ncs::ops::parse_sysdata;
using ncs::ops::parse_target_words;
using ncs::ops::parse_userdata;
using ncs::ops::TargetOptions;
using Words = std::vector<std::string>;

namespace {

TargetOptions explicit_options() {
    TargetOptions options;
    options.to = {"192.0.2.5", "192.0.2.6"};
    options.dev = "eth0";
    options.src = "192.0.2.10";
    options.mac = "52:54:00:12:34:56";
    return options;
}

/// What a call throws: its text (mentions kept), hint, field (a FieldError's) and where.
struct Thrown {
    std::string text;
    std::string hint;
    std::optional<Field> field;
    std::string where;
};

template <typename F>
Thrown thrown_by(F&& f) {
    try {
        f();
    } catch (const FieldError& e) {
        return {e.text(), e.hint(), e.field(), e.where()};
    } catch (const InputError& e) {
        return {e.text(), e.hint(), std::nullopt, e.where()};
    }
    FAIL("accepted");
    return {};
}

Thrown words_error(const Words& words) {
    return thrown_by([&] { parse_target_words(words); });
}

Thrown options_error(const TargetOptions& options) {
    return thrown_by([&] { make_desired(options); });
}

ncs::persist::ConfigLine line(std::size_t number, std::string_view text) {
    return {number, ncs::persist::split_words(text, "f.conf", number)};
}

} // namespace

TEST_CASE("a line's words set every target option", "[ops][target_options]") {
    const auto options = parse_target_words(
        {"--to", "192.0.2.5", "--port", "514", "--src-port", "6000", "--dev", "eth0", "--src",
         "192.0.2.10", "--mac", "52:54:00:12:34:56", "--extended", "--release", "--timeout",
         "2s", "--allow-unconfirmed-mac", "-4", "--name", "doctor", "--userdata", "a=1",
         "--userdata", "b=2", "--sysdata", "taskname"});
    CHECK(options.to == Words{"192.0.2.5"});
    CHECK(options.port == "514");
    CHECK(options.src_port == "6000");
    CHECK(options.dev == "eth0");
    CHECK(options.src == "192.0.2.10");
    CHECK(options.mac == "52:54:00:12:34:56");
    CHECK(options.extended);
    CHECK(options.release);
    CHECK(options.timeout == "2s");
    CHECK(options.allow_unconfirmed_mac);
    CHECK(options.ipv4);
    CHECK_FALSE(options.ipv6);
    CHECK_FALSE(options.broadcast);
    CHECK(options.name == "doctor");
    CHECK(options.userdata == Words{"a=1", "b=2"});
    CHECK(options.sysdata == "taskname");

    const auto other = parse_target_words({"--to", "doctor", "--broadcast", "-6"});
    CHECK(other.broadcast);
    CHECK(other.ipv6);
    CHECK_FALSE(other.port);
    CHECK_FALSE(other.name);
}

TEST_CASE("a value follows its word, or '=' joins them", "[ops][target_options]") {
    const auto options = parse_target_words(
        {"--to=192.0.2.5", "--userdata=k=a=b", "--name=-x", "--extended=true", "--port", "-1"});
    CHECK(options.to == Words{"192.0.2.5"});
    CHECK(options.userdata == Words{"k=a=b"}); // split at the first '=' only
    CHECK(options.name == "-x");
    CHECK(options.extended);
    CHECK(options.port == "-1"); // the next word whatever it looks like; the port parser judges
    // As getopt, a value that looks like an option is still the value.
    CHECK(parse_target_words({"--name", "--extended"}).name == "--extended");
    CHECK_FALSE(parse_target_words({"--extended", "--extended=off"}).extended); // the last wins
    CHECK(parse_target_words({"--broadcast=YES"}).broadcast);
    // An empty word is a value ("--name ''"): the name's own check refuses it later.
    CHECK(parse_target_words({"--name", ""}).name == "");
}

TEST_CASE("a missing or doubled value names its field", "[ops][target_options]") {
    auto e = words_error({"--to", "192.0.2.5", "--port"});
    CHECK(e.field == Field::remote_port);
    CHECK(e.text == "the value is missing");
    CHECK(words_error({"--name="}).field == Field::name);
    CHECK(words_error({"--name="}).text == "the value is missing");

    e = words_error({"--port", "1", "--port", "2"});
    CHECK(e.field == Field::remote_port);
    CHECK(e.text == "given twice");
    CHECK(words_error({"--sysdata", "msgid", "--sysdata", "cpu_nr"}).field == Field::sysdata);
    // Switches may repeat; --to and --userdata collect every value.
    CHECK(parse_target_words({"--extended", "--extended"}).extended);
    CHECK(parse_target_words({"--to", "a", "--to", "b"}).to == Words{"a", "b"});

    e = words_error({"--extended=maybe"});
    CHECK(e.field == Field::extended);
    CHECK(e.text == "'maybe' is not a switch value");
}

TEST_CASE("an unknown word or a stray value is refused with a one-line reason",
          "[ops][target_options]") {
    auto e = words_error({"--to", "192.0.2.6", "--extended", "--relase"});
    CHECK(e.text == "unknown option '--relase'");
    CHECK(e.hint == fmt::format("did you mean {}?", mention(Field::release)));
    CHECK_FALSE(e.field);

    e = words_error({"--to", "192.0.2.6", "--loglevel", "3"});
    CHECK(e.text == "unknown option '--loglevel'");
    CHECK(e.hint == "a line holds one target's options, as the command line gives them");
    CHECK(words_error({"--Extended"}).hint ==
          fmt::format("did you mean {}?", mention(Field::extended)));
    CHECK(words_error({"-46"}).text == "unknown option '-46'");
    CHECK(words_error({"-4=1"}).text == "unknown option '-4=1'");
    CHECK(words_error({"--help"}).text == "unknown option '--help'");

    e = words_error({"--to", "192.0.2.5", "--userdata", "a=1", "b=2"});
    CHECK(e.text == "'b=2' is not an option");
    CHECK(e.hint == "each value follows its own option, one value each time");
    CHECK(words_error({"192.0.2.5"}).text == "'192.0.2.5' is not an option");
    // After "--" nothing is an option; "--" alone ends nothing harmful.
    CHECK(words_error({"--to", "a", "--", "--extended"}).text ==
          "'--extended' follows '--', but a line holds options only");
    CHECK(parse_target_words({"--to", "a", "--"}).to == Words{"a"});
}

TEST_CASE("every destination gets its own request with the shared options",
          "[ops][target_options]") {
    auto options = explicit_options();
    options.port = "514";
    options.extended = true;
    const auto requests = make_requests(options);
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].to == "192.0.2.5");
    CHECK(requests[1].to == "192.0.2.6");
    for (const auto& request : requests) {
        CHECK(request.remote_port == 514);
        CHECK(request.local_port == ncs::k_default_local_port);
        CHECK(request.dev == ncs::Device(std::string("eth0")));
        CHECK(request.src == ncs::IpAddress::parse("192.0.2.10"));
        CHECK(request.mac == ncs::MacAddress::parse("52:54:00:12:34:56"));
        CHECK(request.extended);
        CHECK(request.timeout == std::chrono::milliseconds(3000));
        CHECK(request.unconfirmed_mac == ncs::UnconfirmedMac::refuse);
        CHECK_FALSE(request.family);
    }
    options.to = {"doctor"};
    options.src.reset();
    options.ipv6 = true;
    options.allow_unconfirmed_mac = true;
    options.timeout = "500ms";
    options.src_port = "7000";
    const auto one = make_requests(options).front();
    CHECK(one.family == ncs::IpFamily::v6);
    CHECK(one.unconfirmed_mac == ncs::UnconfirmedMac::accept);
    CHECK(one.timeout == std::chrono::milliseconds(500));
    CHECK(one.local_port == 7000);
}

TEST_CASE("conflicting or invalid target options name the field", "[ops][target_options]") {
    auto options = explicit_options();
    options.to.clear();
    auto e = options_error(options);
    CHECK(e.text == "no target given");
    CHECK(e.hint == fmt::format("add {} ADDR (the doctor's address)", mention(Field::destination)));

    options = explicit_options();
    options.ipv4 = options.ipv6 = true;
    CHECK(options_error(options).text ==
          fmt::format("{} and {} exclude each other", mention(Field::ipv4), mention(Field::ipv6)));

    options = explicit_options();
    options.release = true;
    CHECK(options_error(options).text ==
          fmt::format("{} needs {}", mention(Field::release), mention(Field::extended)));

    options = explicit_options();
    options.port = "0";
    CHECK(options_error(options).text ==
          fmt::format("{}: '0' is not a port number", mention(Field::remote_port)));
    options = explicit_options();
    options.src_port = "x";
    CHECK(options_error(options).text ==
          fmt::format("{}: 'x' is not a port number", mention(Field::local_port)));

    options = explicit_options();
    options.dev = "";
    e = options_error(options);
    CHECK(e.field == Field::device);
    CHECK(e.text == "the interface name is empty");

    options = explicit_options();
    options.src = "192.0.2";
    CHECK(options_error(options).field == Field::local_address);

    options = explicit_options();
    options.mac = "52-54-00-12-34-56";
    e = options_error(options);
    CHECK(e.field == Field::remote_mac);
    CHECK(e.text == "'52-54-00-12-34-56' is not a MAC address");

    options = explicit_options();
    options.timeout = "soon";
    CHECK(options_error(options).field == Field::timeout);

    options = explicit_options();
    options.to = {""};
    e = options_error(options);
    CHECK(e.field == Field::destination);
    CHECK(e.text == "the address is empty");

    options = explicit_options();
    options.to = {"[2001:db8::5]"};
    e = options_error(options);
    const auto to = mention(Field::destination);
    CHECK(e.text == fmt::format("{} [2001:db8::5]: brackets are not part of an address", to));
    CHECK(e.hint == fmt::format("write {} 2001:db8::5", to));

    options = explicit_options();
    options.to = {"2001:db8::5"};
    CHECK(options_error(options).text ==
          "local IP 192.0.2.10 and remote IP 2001:db8::5 are of different families");

    options = explicit_options();
    options.ipv6 = true;
    CHECK(options_error(options).text == "192.0.2.5 is not an IPv6 address");
    CHECK(options_error(options).field == Field::destination);

    options = explicit_options();
    options.name = "doctor";
    CHECK(options_error(options).text ==
          fmt::format("{} needs exactly one {}", mention(Field::name), to));
}

TEST_CASE("a device with a ':' is a MAC, as the kernel reads the dev field",
          "[ops][target_options]") {
    using ncs::ops::parse_device;
    CHECK(parse_device("eth0") == ncs::Device(std::string("eth0")));
    CHECK(parse_device("52:54:00:12:34:56") ==
          ncs::Device(ncs::MacAddress::parse("52:54:00:12:34:56")));
    CHECK(parse_device("52:54:00:AB:cd:EF") ==
          ncs::Device(ncs::MacAddress::parse("52:54:00:ab:cd:ef")));
    // Without a ':' it is a name, as the kernel takes it (bare hex, '-' pairs).
    CHECK(parse_device("525400123456") == ncs::Device(std::string("525400123456")));

    for (const auto* bad : {"eth0:1", "52:54:00:12:34", "52:54:00:12:34:56:78", "52:54:00:12:34:5g"}) {
        const auto e = thrown_by([&] { parse_device(bad); });
        CHECK(e.field == Field::device);
        CHECK(e.text == fmt::format("'{}' is neither an interface name nor a MAC", bad));
        CHECK(e.hint.find("no interface name holds a ':'") != std::string::npos);
    }
    CHECK(thrown_by([] { parse_device(""); }).text == "the interface name is empty");

    auto options = explicit_options();
    options.dev = "52:54:00:00:01:02";
    for (const auto& request : make_requests(options)) {
        REQUIRE(request.dev);
        CHECK(std::get<ncs::MacAddress>(*request.dev) == ncs::MacAddress::parse("52:54:00:00:01:02"));
    }
    // The configuration line's --dev is the same grammar.
    const auto words = parse_target_words({"--to", "192.0.2.5", "--dev", "52:54:00:00:01:02"});
    CHECK(make_requests(words).front().dev == make_requests(options).front().dev);
}

TEST_CASE("the desired targets carry name, userdata and sysdata, from where",
          "[ops][target_options]") {
    auto options = explicit_options();
    options.to = {"192.0.2.5"};
    options.name = "doctor";
    options.userdata = {"host=web1", "k="};
    options.sysdata = "cpu_nr,msgid";
    const auto desired = make_desired(options, "f.conf:3");
    REQUIRE(desired.size() == 1);
    CHECK(desired[0].where == "f.conf:3");
    CHECK(desired[0].name == "doctor");
    CHECK(desired[0].userdata ==
          std::vector<ncs::UserdataEntry>{{"host", "web1"}, {"k", ""}});
    CHECK(desired[0].sysdata.cpu_nr);
    CHECK(desired[0].sysdata.msgid);
    CHECK_FALSE(desired[0].sysdata.taskname);
    CHECK(make_desired(explicit_options())[0].where == ncs::ops::k_command_line);
}

TEST_CASE("userdata splits at the first '='", "[ops][target_options]") {
    CHECK(parse_userdata("host=web1") == ncs::UserdataEntry{"host", "web1"});
    CHECK(parse_userdata("k=a=b") == ncs::UserdataEntry{"k", "a=b"});
    CHECK(parse_userdata("k=") == ncs::UserdataEntry{"k", ""});
    for (const auto* bad : {"=v", "novalue"}) {
        const auto e = thrown_by([&] { parse_userdata(bad); });
        CHECK(e.field == Field::userdata);
        CHECK(e.text == fmt::format("'{}' is not KEY=VALUE", bad));
    }
}

TEST_CASE("sysdata takes any subset of the four switches", "[ops][target_options]") {
    const auto all = parse_sysdata("cpu_nr,taskname,release,msgid");
    CHECK((all.cpu_nr && all.taskname && all.release && all.msgid));
    CHECK_FALSE(parse_sysdata("").any());
    CHECK(parse_sysdata("msgid").msgid);
    auto e = thrown_by([] { parse_sysdata("cpu"); });
    CHECK(e.field == Field::sysdata);
    CHECK(e.text == "unknown switch 'cpu'");
    CHECK(thrown_by([] { parse_sysdata("taskname,"); }).text == "unknown switch ''");
}

TEST_CASE("a configuration line is one target, its errors located at FILE:LINE",
          "[ops][config]") {
    using ncs::ops::desired_of_line;
    // Quoting as the file allows: '...', "..." with \", a backslash, '#' comments.
    const auto desired = desired_of_line(
        line(4, R"(--to 192.0.2.5 --name 'office doctor' --userdata "k=a \"b\"" )"
                R"(--userdata x=\#1 --extended  # a comment)"),
        "f.conf");
    CHECK(desired.where == "f.conf:4");
    CHECK(desired.request.to == "192.0.2.5");
    CHECK(desired.request.extended);
    CHECK(desired.name == "office doctor");
    CHECK(desired.userdata == std::vector<ncs::UserdataEntry>{{"k", "a \"b\""}, {"x", "#1"}});

    // The error keeps its type and gains the place: the CLI prints "f.conf:2: --port: ...".
    auto e = thrown_by([] { desired_of_line(line(2, "--to 192.0.2.5 --port"), "f.conf"); });
    CHECK(e.where == "f.conf:2");
    CHECK(e.field == Field::remote_port);
    e = thrown_by([] { desired_of_line(line(3, "--to 192.0.2.5 --relase"), "f.conf"); });
    CHECK(e.where == "f.conf:3");
    CHECK(e.text == "unknown option '--relase'");
    e = thrown_by([] { desired_of_line(line(5, "--to 192.0.2.5 --port 0"), "f.conf"); });
    CHECK(e.where == "f.conf:5");
    e = thrown_by([] { desired_of_line(line(6, "--to a --to b"), "f.conf"); });
    CHECK(e.where == "f.conf:6");
    CHECK(e.text ==
          fmt::format("one {} per line: each line is one target", mention(Field::destination)));
    CHECK(thrown_by([] { desired_of_line(line(7, "--port 6666"), "f.conf"); }).text == e.text);
    CHECK(thrown_by([] { desired_of_line(line(8, "--to a --release"), "f.conf"); }).where ==
          "f.conf:8");
    // what(), for a reader without flags: the place, then the library's words.
    try {
        desired_of_line(line(9, "--to 192.0.2.5 -4 -6"), "f.conf");
        FAIL("accepted");
    } catch (const InputError& error) {
        CHECK(std::string(error.what()) == "f.conf:9: IPv4 and IPv6 exclude each other");
    }
}

TEST_CASE("a destination given twice is refused at the later line", "[ops][config]") {
    using ncs::ops::desired_of_line;
    using ncs::ops::refuse_same_destination;
    const auto targets = [](std::vector<std::string_view> lines) {
        std::vector<ncs::reconcile::DesiredTarget> result;
        std::size_t number = 0;
        for (const auto text : lines) {
            result.push_back(desired_of_line(line(++number, text), "f.conf"));
        }
        return result;
    };
    auto e = thrown_by([&] {
        refuse_same_destination(targets({"--to 192.0.2.5 --name a", "--to 192.0.2.6",
                                         "--to 192.0.2.5 --name b --extended"}));
    });
    CHECK(e.where == "f.conf:3");
    CHECK(e.text == "the same target as line 1: 192.0.2.5 port 6666");
    CHECK(e.hint == fmt::format("give each {} once, or another {}", mention(Field::destination),
                                mention(Field::remote_port)));
    // The zone only picks the link; a host name is compared by its text, in any case.
    CHECK(thrown_by([&] {
              refuse_same_destination(
                  targets({"--to fe80::1%eth0 --port 514", "--to fe80::1 --port 514"}));
          }).text == "the same target as line 1: fe80::1 port 514");
    CHECK(thrown_by([&] {
              refuse_same_destination(targets({"--to Doctor.example", "--to doctor.EXAMPLE"}));
          }).text == "the same target as line 1: doctor.example port 6666");
    // Another port, or another address, is another target.
    CHECK_NOTHROW(refuse_same_destination(
        targets({"--to 192.0.2.5", "--to 192.0.2.5 --port 6667", "--to 192.0.2.50"})));
    // Across files the other place is named whole.
    auto two = targets({"--to 192.0.2.5"});
    two.push_back(two.front());
    two.back().where = "/etc/default/netconsole";
    CHECK(thrown_by([&] { refuse_same_destination(two); }).text ==
          "the same target as f.conf:1: 192.0.2.5 port 6666");
}

TEST_CASE("read_configuration reads the file and the distributions' files in one call",
          "[ops][config]") {
    ncs::test::TempTree tree;
    const ncs::Root root{tree.dir()};
    tree.write("/etc/n.conf", "# doctors\n--to 192.0.2.5 --name a\n\n--to 192.0.2.6 --port 514\n");
    tree.write("/etc/default/netconsole", "NETCONSOLE_OPTS=\"+@192.0.2.7\"\n");
    auto configuration = ncs::ops::read_configuration("/etc/n.conf", root);
    REQUIRE(configuration.targets.size() == 3);
    CHECK(configuration.complete);
    CHECK(configuration.note.empty());
    CHECK(configuration.targets[0].where == "/etc/n.conf:2");
    CHECK(configuration.targets[1].where == "/etc/n.conf:4");
    CHECK(configuration.targets[1].request.remote_port == 514);
    CHECK(configuration.targets[2].where == "/etc/default/netconsole");
    CHECK(configuration.targets[2].request.extended);

    // Debian's file naming a line's destination again is the same target twice.
    tree.write("/etc/default/netconsole", "NETCONSOLE_OPTS=\"@192.0.2.5\"\n");
    auto e = thrown_by([&] { ncs::ops::read_configuration("/etc/n.conf", root); });
    CHECK(e.where == "/etc/default/netconsole");
    CHECK(e.text == "the same target as /etc/n.conf:2: 192.0.2.5 port 6666");

    tree.write("/etc/n.conf", "--to 192.0.2.5\n--to 192.0.2.6 --bogus\n");
    e = thrown_by([&] { ncs::ops::read_configuration("/etc/n.conf", root); });
    CHECK(e.where == "/etc/n.conf:2");
    CHECK(e.text == "unknown option '--bogus'");

    CHECK(thrown_by([&] { ncs::ops::read_configuration("/etc/none.conf", root); }).field ==
          Field::config_file);
    // Only the default file may be absent: no targets from it, none removed.
    std::filesystem::remove(tree.path("/etc/default/netconsole"));
    configuration = ncs::ops::read_configuration(std::string(ncs::ops::k_default_config_path), root);
    CHECK(configuration.targets.empty());
    CHECK_FALSE(configuration.complete);
    CHECK_FALSE(configuration.note.empty());
}

TEST_CASE("no option value but name and userdata holds a control character", "[ops][target_options]") {
    // The bytes of a mention in an interface name would come out as a flag's name.
    auto options = explicit_options();
    options.dev = std::string("a\x1e") + "4\x1f" + "b";
    auto e = options_error(options);
    CHECK(e.field == Field::device);
    CHECK(e.text == "the value holds a control character (byte 0x1e)");

    options = explicit_options();
    options.to = {"192.0.2.5", "host\x7f"};
    CHECK(options_error(options).field == Field::destination);

    // userdata is the user's own text: the kernel takes anything but a newline.
    options = explicit_options();
    options.userdata = {"note=a\tb"};
    CHECK(make_desired(options).front().userdata.front().value == "a\tb");
}
