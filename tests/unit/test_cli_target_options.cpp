// cli/target_options.cpp and cli/errors.cpp: the pure parts of the CLI. The target
// options themselves are lib/ops/target_options (test_ops_target_options.cpp); here,
// that the CLI binds the configuration file's words and phrases the library's fields.
#include "context.hpp"
#include "errors.hpp"
#include "options.hpp"
#include "target_options.hpp"

#include "model/errors.hpp"
#include "ops/config.hpp"
#include "options.hpp"
#include "persist/config_file.hpp"

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>
#include <catch2/catch.hpp>

#include <system_error>

using ncs::parse_port;
using ncs::cli::TargetOptions;

namespace {

/// The error line and hint the CLI prints for what the library's builder throws for
/// these words (a configuration line's, or the same options on the command line).
ncs::cli::ErrorReport report_of(std::string_view words) {
    try {
        ncs::ops::make_desired(
            ncs::ops::parse_target_words(ncs::persist::split_words(words, "test", 1)));
    } catch (const std::exception& e) {
        return ncs::cli::describe_error(e);
    }
    return {0, "accepted", {}};
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

TEST_CASE("a configuration line's words are the command line's target flags") {
    // Each word of the file's table is the flag the CLI names its field by, and an
    // option of apply's binding (add_target_options, --name, add_message_data_options).
    TargetOptions options;
    CLI::App app;
    ncs::cli::add_target_options(app, options);
    app.add_option("--name", options.name);
    ncs::cli::add_message_data_options(app, options);
    const auto words = ncs::ops::option_words();
    CHECK(words.size() == app.get_options().size() - 1); // all but --help
    for (const auto& word : words) {
        CAPTURE(word.word);
        CHECK(ncs::cli::flag_of(word.field) == word.word);
        CHECK(app.get_option_no_throw(std::string(word.word)) != nullptr);
    }
}

TEST_CASE("the library's target errors read with the flags") {
    const std::string two = "--to 192.0.2.5 --to 192.0.2.6 --dev eth0 --src 192.0.2.10 ";
    const std::string mac = two + "--mac 52:54:00:12:34:56 ";
    CHECK(report_of(mac + "--broadcast").message == "--mac and --broadcast exclude each other");
    auto report = report_of(mac + "--release");
    CHECK(report.message == "--release needs --extended");
    CHECK(report.hint == "the kernel prepends the release only to extended messages");
    CHECK(report_of(mac + "-4 -6").message == "-4 and -6 exclude each other");
    CHECK(report_of(two + "--mac 52-54-00-12-34-56").message ==
          "--mac: '52-54-00-12-34-56' is not a MAC address");
    CHECK(report_of(mac + "--port 0").message == "--port: '0' is not a port number");
    CHECK(report_of(mac + "-6").message == "--to: 192.0.2.5 is not an IPv6 address");
    report = report_of("--to [2001:db8::5]");
    CHECK(report.message == "--to [2001:db8::5]: brackets are not part of an address");
    CHECK(report.hint == "write --to 2001:db8::5");
    CHECK(report_of("--dev eth0").hint == "add --to ADDR (the doctor's address)");
    CHECK(report_of(mac + "--name doctor").message == "--name needs exactly one --to");
    report = report_of("--to 192.0.2.5 --userdata novalue");
    CHECK(report.message == "--userdata: 'novalue' is not KEY=VALUE");
    CHECK(report.hint == "for example --userdata host=web1");
    CHECK(report_of("--to 192.0.2.5 --sysdata cpu").message == "--sysdata: unknown switch 'cpu'");
    CHECK(report_of("--to 192.0.2.5 --dev ''").message == "--dev: the interface name is empty");
}

TEST_CASE("a configuration line's error reads FILE:LINE, then the flag") {
    const auto report_of_line = [](std::string_view text) {
        try {
            ncs::ops::desired_of_line({3, ncs::persist::split_words(text, "f.conf", 3)},
                                      "/etc/n.conf");
        } catch (const std::exception& e) {
            return ncs::cli::describe_error(e);
        }
        return ncs::cli::ErrorReport{0, "accepted", {}};
    };
    auto report = report_of_line("--to 192.0.2.5 --port 0");
    CHECK(report.exit_code == 2);
    CHECK(report.message == "/etc/n.conf:3: --port: '0' is not a port number");
    CHECK(report_of_line("--to 192.0.2.5 --port").message ==
          "/etc/n.conf:3: --port: the value is missing");
    CHECK(report_of_line("--to 192.0.2.5 --name a --name b").message ==
          "/etc/n.conf:3: --name: given twice");
    report = report_of_line("--to 192.0.2.5 --relase");
    CHECK(report.message == "/etc/n.conf:3: unknown option '--relase'");
    CHECK(report.hint == "did you mean --release?");
    CHECK(report_of_line("--to 192.0.2.5 --allow-unconfirmed").hint ==
          "did you mean --allow-unconfirmed-mac?");
    CHECK(report_of_line("--to a --to b").message ==
          "/etc/n.conf:3: one --to per line: each line is one target");
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
