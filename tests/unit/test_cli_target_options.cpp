// cli/target_options.cpp and cli/errors.cpp: the pure parts of the CLI.
#include "context.hpp"
#include "errors.hpp"
#include "options.hpp"
#include "target_options.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <system_error>

using ncs::cli::make_requests;
using ncs::parse_port;
using ncs::cli::parse_sysdata;
using ncs::cli::parse_userdata;
using ncs::cli::TargetOptions;

namespace {

TargetOptions explicit_options() {
    TargetOptions options;
    options.to = {"192.0.2.5", "192.0.2.6"};
    options.dev = "eth0";
    options.src = "192.0.2.10";
    options.mac = "52:54:00:12:34:56";
    return options;
}

std::string input_error_of(const TargetOptions& options) {
    try {
        make_requests(options);
    } catch (const ncs::InputError& e) {
        return ncs::cli::describe_error(e).message; // as the CLI says it
    }
    return "accepted";
}

} // namespace

TEST_CASE("ports are decimal 1-65535") {
    CHECK(parse_port("6666", "--port") == 6666);
    CHECK(parse_port("65535", "--port") == 65535);
    CHECK_THROWS_AS(parse_port("0", "--port"), ncs::InputError);
    CHECK_THROWS_AS(parse_port("65536", "--port"), ncs::InputError);
    CHECK_THROWS_AS(parse_port("", "--port"), ncs::InputError);
    CHECK_THROWS_AS(parse_port("+66", "--port"), ncs::InputError);
    CHECK_THROWS_AS(parse_port("66 ", "--port"), ncs::InputError);
    CHECK_THROWS_WITH(parse_port("x", "--src-port"), "--src-port: 'x' is not a port number");
}

TEST_CASE("every --to gets its own request with the shared options") {
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
        CHECK(request.dev == "eth0");
        CHECK(request.src == ncs::IpAddress::parse("192.0.2.10"));
        CHECK(request.mac == ncs::MacAddress::parse("52:54:00:12:34:56"));
        CHECK(request.extended);
        CHECK(request.timeout == std::chrono::milliseconds(3000));
    }
}

TEST_CASE("conflicting or invalid target options name the option") {
    auto options = explicit_options();
    options.broadcast = true;
    CHECK(input_error_of(options) == "--mac and --broadcast exclude each other");

    options = explicit_options();
    options.release = true;
    CHECK(input_error_of(options) == "--release needs --extended");

    options = explicit_options();
    options.mac = "52-54-00-12-34-56";
    CHECK(input_error_of(options) == "--mac: '52-54-00-12-34-56' is not a MAC address");

    options = explicit_options();
    options.to = {"2001:db8::5"};
    CHECK(input_error_of(options) ==
          "local IP 192.0.2.10 and remote IP 2001:db8::5 are of different families");

    options = explicit_options();
    options.ipv6 = true;
    CHECK(input_error_of(options) == "--to 192.0.2.5 is not an IPv6 address");

    options = explicit_options();
    options.to.clear();
    CHECK(input_error_of(options) == "no target given");
}

TEST_CASE("errors map to exit codes: input 2, operation and OS 1") {
    using ncs::cli::describe_error;
    CHECK(describe_error(ncs::InputError("bad", "fix it")).exit_code == 2);
    CHECK(describe_error(ncs::OperationError("failed")).exit_code == 1);
    CHECK(describe_error(std::system_error(std::make_error_code(std::errc::permission_denied),
                                           "/sys/kernel/config"))
              .exit_code == 1);

    const auto parse = describe_error(ncs::ParseError("x", "write IPv6 without brackets", 4,
                                                      "[fd00::1]"));
    CHECK(parse.exit_code == 2);
    CHECK(parse.message == "couldn't parse config at '[fd00::1]'");
    CHECK(parse.hint == "at byte 5 of the value: write IPv6 without brackets");
}

TEST_CASE("library errors are phrased by flag, located, and given the CLI's hints") {
    using ncs::cli::describe_error;
    ncs::FieldError field(ncs::Field::local_address, "10.0.0.9 is not an address of this host",
                          "or leave " + ncs::mention(ncs::Field::local_address) + " out");
    field.locate("/etc/netconsole-setup.conf:3");
    const auto located = describe_error(field);
    CHECK(located.exit_code == 2);
    CHECK(located.message ==
          "/etc/netconsole-setup.conf:3: --src: 10.0.0.9 is not an address of this host");
    CHECK(located.hint == "or leave --src out");
    const auto failed = describe_error(std::make_exception_ptr(ncs::OperationError(
        "no route to 192.0.2.5", "add a route, or give " + ncs::mention(ncs::Field::device))));
    CHECK(failed.exit_code == 1);
    CHECK(failed.hint == "add a route, or give --dev");
    using Missing = ncs::MissingTargetError;
    CHECK(describe_error(Missing("doctor", Missing::Kind::made)).hint ==
          "see 'netconsole-setup list'");
    CHECK(describe_error(Missing("cmdline1", Missing::Kind::boot_time)).hint ==
          "boot-time targets stay invisible until adopted: netconsole-setup apply --name "
          "cmdline1 --to ...");
    CHECK(ncs::cli::hint_of({"console log level 4 hides warnings", "level 8 lets all through",
                             ncs::Warning::Kind::console_quiet}) ==
          "'netconsole-setup loglevel 8' lets every message through");
}

TEST_CASE("a report is one error line and at most one hint line") {
    using ncs::cli::format_report;
    CHECK(format_report({2, "bad\nvalue", ""}) == "netconsole-setup: error: bad\\nvalue\n");
    CHECK(format_report({1, "failed", "try again"}) ==
          "netconsole-setup: error: failed\nhint: try again\n");
    CHECK(format_report({1, "no route", "", "target 2 (192.0.2.6)"}) ==
          "netconsole-setup: error: target 2 (192.0.2.6): no route\n");
}

TEST_CASE("printable escapes what would break a line or drive the terminal") {
    using ncs::cli::printable;
    CHECK(printable("eth0") == "eth0");
    CHECK(printable("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(printable("\x1b[31mred") == "\\x1b[31mred");
    CHECK(printable(std::string("nul\0", 4)) == "nul\\x00");
    CHECK(printable("back\\slash") == "back\\\\slash");
    CHECK(printable("\x7f") == "\\x7f");
    // UTF-8 stays; C1 controls (CSI as U+009B), lone and overlong bytes do not.
    CHECK(printable("caf\xc3\xa9 \xe2\x80\x94") == "caf\xc3\xa9 \xe2\x80\x94");
    CHECK(printable("\xc2\x9b") == "\\xc2\\x9b");
    CHECK(printable("\x9b") == "\\x9b");
    CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");
    CHECK(printable("\xe2\x80") == "\\xe2\\x80");
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
    // Bidi controls reorder the line: RLO U+202E, LRI U+2066, RLM U+200F, ALM U+061C.
    CHECK(printable("\xe2\x80\xae") == "\\xe2\\x80\\xae");
    CHECK(printable("\xe2\x81\xa6") == "\\xe2\\x81\\xa6");
    CHECK(printable("\xe2\x80\x8f") == "\\xe2\\x80\\x8f");
    CHECK(printable("\xd8\x9c") == "\\xd8\\x9c");
}

TEST_CASE("several failing targets: one report each, exit 2 when any is bad input") {
    using ncs::cli::TargetErrors;
    const TargetErrors errors(
        {{"target 1 (a)", std::make_exception_ptr(ncs::OperationError("no route"))},
         {"target 3 (c)", std::make_exception_ptr(ncs::InputError("bad", "fix"))}});
    const auto reports = ncs::cli::describe_errors(errors);
    REQUIRE(reports.size() == 2);
    CHECK(reports[0].target == "target 1 (a)");
    CHECK(reports[0].exit_code == 1);
    CHECK(reports[1].message == "bad");
    CHECK(reports[1].hint == "fix");
    CHECK(ncs::cli::exit_code_of(reports) == 2);
    CHECK(ncs::cli::exit_code_of({reports[0], reports[0]}) == 1);
    CHECK(ncs::cli::describe_errors(ncs::OperationError("x")).size() == 1);
    CHECK(ncs::cli::json_report(reports) == R"json({
  "errors": [
    {
      "target": "target 1 (a)",
      "message": "no route",
      "hint": null
    },
    {
      "target": "target 3 (c)",
      "message": "bad",
      "hint": "fix"
    }
  ],
  "exit_code": 2
}
)json");
}

TEST_CASE("the --userdata option splits at the first '='", "[cli][apply]") {
    CHECK(parse_userdata("host=web1") == ncs::UserdataEntry{"host", "web1"});
    CHECK(parse_userdata("k=a=b") == ncs::UserdataEntry{"k", "a=b"});
    CHECK(parse_userdata("k=") == ncs::UserdataEntry{"k", ""});
    CHECK_THROWS_AS(parse_userdata("=v"), ncs::InputError);
    CHECK_THROWS_AS(parse_userdata("novalue"), ncs::InputError);
}

TEST_CASE("the --sysdata option takes any subset of the four switches", "[cli][apply]") {
    const auto all = parse_sysdata("cpu_nr,taskname,release,msgid");
    CHECK((all.cpu_nr && all.taskname && all.release && all.msgid));
    CHECK_FALSE(parse_sysdata("").any());
    CHECK(parse_sysdata("msgid").msgid);
    CHECK_THROWS_WITH(parse_sysdata("cpu"), "--sysdata: unknown switch 'cpu'");
    CHECK_THROWS_AS(parse_sysdata("taskname,"), ncs::InputError);
}
