// /etc/netconsole-setup.conf and Debian's /etc/default/netconsole.
#include "persist/config_file.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ncs::persist::ConfigLine;
using ncs::persist::parse_config_text;
using ncs::persist::parse_netconsole_opts;
using ncs::persist::split_words;
using Words = std::vector<std::string>;

namespace {

Words split(std::string_view line) {
    return split_words(line, "f", 1);
}

std::string error_of(std::string_view text) {
    try {
        parse_config_text(text, "/etc/netconsole-setup.conf");
    } catch (const ncs::InputError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("a line is split into words like a shell, without expansion", "[config_file]") {
    CHECK(split("--to 192.0.2.5  --port\t6666") == Words{"--to", "192.0.2.5", "--port", "6666"});
    CHECK(split("--name 'my doctor' --x \"a \\\"b\\\" \\\\ $HOME\"") ==
          Words{"--name", "my doctor", "--x", "a \"b\" \\ $HOME"});
    CHECK(split("a\\ b 'c'\"d\"e") == Words{"a b", "cde"});
    CHECK(split("''") == Words{""});
    CHECK(split("$(reboot) `x`") == Words{"$(reboot)", "`x`"});
}

TEST_CASE("a '#' that starts a word starts a comment", "[config_file]") {
    CHECK(split("--to 192.0.2.5 # the doctor") == Words{"--to", "192.0.2.5"});
    CHECK(split("--name a#b") == Words{"--name", "a#b"});
    CHECK(split("--name '#x'") == Words{"--name", "#x"});
    CHECK(split("# all comment").empty());
}

TEST_CASE("the file yields its option lines with their numbers", "[config_file]") {
    const auto lines = parse_config_text("# netconsole targets\n"
                                         "\n"
                                         "--to 192.0.2.5 --extended\n"
                                         "   # indented comment\n"
                                         "--to 2001:db8::5 --port 514\r\n"
                                         "--to doctor",
                                         "f");
    CHECK(lines == std::vector<ConfigLine>{{3, {"--to", "192.0.2.5", "--extended"}},
                                           {5, {"--to", "2001:db8::5", "--port", "514"}},
                                           {6, {"--to", "doctor"}}});
    CHECK(parse_config_text("", "f").empty());
}

TEST_CASE("quoting errors name the file and the line", "[config_file]") {
    CHECK(error_of("--to a\n--name 'x\n") == "/etc/netconsole-setup.conf:2: unterminated single quote");
    CHECK(error_of("--name \"x") == "/etc/netconsole-setup.conf:1: unterminated double quote");
    CHECK(error_of("--to a \\") ==
          "/etc/netconsole-setup.conf:1: a backslash ends the line (lines do not continue)");
}

TEST_CASE("NETCONSOLE_OPTS of /etc/default/netconsole gives its words", "[config_file]") {
    // As Debian's netconsole package ships it, then set by the administrator.
    CHECK(parse_netconsole_opts("# Options for netconsole-setup\n"
                                "NETCONSOLE_OPTS=\"+@192.0.2.5 6666@doctor.example\"\n",
                                "d") == Words{"+@192.0.2.5", "6666@doctor.example"});
    CHECK(parse_netconsole_opts("export NETCONSOLE_OPTS='514@192.0.2.5'\n", "d") ==
          Words{"514@192.0.2.5"});
    CHECK(parse_netconsole_opts("NETCONSOLE_OPTS=@192.0.2.5\n", "d") == Words{"@192.0.2.5"});
    CHECK(parse_netconsole_opts("NETCONSOLE_OPTS=\"\"\n", "d").empty());
    CHECK(parse_netconsole_opts("#NETCONSOLE_OPTS=\"@192.0.2.5\"\n", "d").empty());
    CHECK(parse_netconsole_opts("", "d").empty());
}

TEST_CASE("the last NETCONSOLE_OPTS assignment wins, as in the shell", "[config_file]") {
    CHECK(parse_netconsole_opts("NETCONSOLE_OPTS=@a\nNETCONSOLE_OPTS=\"@b @c\"\n", "d") ==
          Words{"@b", "@c"});
}

TEST_CASE("NETCONSOLE_OPTS that needs a shell is refused", "[config_file]") {
    CHECK_THROWS_AS(parse_netconsole_opts("NETCONSOLE_OPTS=\"@$HOST\"\n", "d"), ncs::InputError);
    CHECK_THROWS_AS(parse_netconsole_opts("NETCONSOLE_OPTS=`cat x`\n", "d"), ncs::InputError);
    CHECK_THROWS_AS(parse_netconsole_opts("NETCONSOLE_OPTS=@a @b\n", "d"), ncs::InputError);
    // Single quotes keep a '$' literal.
    CHECK(parse_netconsole_opts("NETCONSOLE_OPTS='@a$b'\n", "d") == Words{"@a$b"});
}

TEST_CASE("Red Hat's /etc/sysconfig/netconsole gives its five variables", "[config_file]") {
    using ncs::persist::parse_redhat_netconsole;
    // As initscripts ships it (all commented), then set by the administrator.
    const auto config = parse_redhat_netconsole("# This is the configuration file for the\n"
                                                "# netconsole service.\n"
                                                "# LOCALPORT=6666\n"
                                                "# DEV=\n"
                                                "SYSLOGADDR=192.0.2.5\n"
                                                "SYSLOGPORT=\"6666\"\n"
                                                "export DEV='eth1'\n"
                                                "SYSLOGMACADDR=02:00:00:00:00:05\n"
                                                "OTHER=$(not ours)\n",
                                                "/etc/sysconfig/netconsole");
    REQUIRE(config.syslogaddr);
    CHECK(config.syslogaddr->value == "192.0.2.5");
    CHECK(config.syslogaddr->line == 5);
    CHECK(config.syslogport->value == "6666");
    CHECK(config.dev->value == "eth1");
    CHECK(config.syslogmacaddr->value == "02:00:00:00:00:05");
    CHECK_FALSE(config.localport);
    CHECK(parse_redhat_netconsole("", "s") == ncs::persist::RedHatNetconsole{});
}

TEST_CASE("Red Hat variables: the last wins, empty is unset, the shell is refused",
          "[config_file]") {
    using ncs::persist::parse_redhat_netconsole;
    CHECK(parse_redhat_netconsole("SYSLOGADDR=a\nSYSLOGADDR=b\n", "s").syslogaddr->value == "b");
    CHECK_FALSE(parse_redhat_netconsole("SYSLOGADDR=a\nSYSLOGADDR=\n", "s").syslogaddr);
    CHECK_THROWS_WITH(parse_redhat_netconsole("SYSLOGADDR=$HOST\n", "s"),
                      "s:1: SYSLOGADDR uses shell expansion, which is not supported");
    CHECK_THROWS_WITH(parse_redhat_netconsole("\nDEV=eth0 eth1\n", "s"),
                      "s:2: DEV needs quotes around a value with spaces");
    // NETCONSOLE_OPTS's reader ignores the Red Hat names and the reverse.
    CHECK(parse_netconsole_opts("SYSLOGADDR=`x`\n", "d").empty());
    CHECK_FALSE(parse_redhat_netconsole("NETCONSOLE_OPTS=$x\n", "s").syslogaddr);
}
