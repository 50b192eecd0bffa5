// lib/grammar/boot_values: finding netconsole values on the kernel command line
// (next_arg rules) and in modprobe.d files (kmod rules).
#include "grammar/boot_values.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ncs::grammar::find_in_kernel_cmdline;
using ncs::grammar::find_in_modprobe_conf;
using ncs::grammar::FoundValue;

namespace {

std::vector<std::string> values(const std::vector<FoundValue>& found) {
    std::vector<std::string> out;
    for (const auto& f : found) {
        out.push_back(f.value);
    }
    return out;
}

using Strings = std::vector<std::string>;

} // namespace

TEST_CASE("the kernel command line yields netconsole= and netconsole.netconsole=",
          "[cmdline]") {
    const auto found = find_in_kernel_cmdline(
        "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=1234 ro netconsole=@/,@10.0.0.2/ "
        "netconsole.netconsole=+@/eth1,@10.0.0.3/ quiet\n");
    REQUIRE(found.size() == 2);
    CHECK(found[0].value == "@/,@10.0.0.2/");
    CHECK(found[0].parameter == "netconsole");
    CHECK(found[1].value == "+@/eth1,@10.0.0.3/");
    CHECK(found[1].parameter == "netconsole.netconsole");
}

TEST_CASE("every occurrence is returned in command-line order", "[cmdline]") {
    CHECK(values(find_in_kernel_cmdline("netconsole=a netconsole=b netconsole.netconsole=c")) ==
          Strings{"a", "b", "c"});
}

TEST_CASE("double quotes protect spaces and are removed", "[cmdline]") {
    CHECK(values(find_in_kernel_cmdline("quiet netconsole=\"@/my dev,@10.0.0.2/\" ro")) ==
          Strings{"@/my dev,@10.0.0.2/"});
    CHECK(values(find_in_kernel_cmdline("netconsole=\"a;b\"")) == Strings{"a;b"});
    // A quote at the start of the whole argument works too.
    CHECK(values(find_in_kernel_cmdline("\"netconsole=a b\" quiet")) == Strings{"a b"});
    // Quotes inside the value stay, and still protect spaces.
    CHECK(values(find_in_kernel_cmdline("netconsole=a\"b c\"d x")) == Strings{"a\"b c\"d"});
    // An unterminated quote runs to the end of the line.
    CHECK(values(find_in_kernel_cmdline("netconsole=\"a b")) == Strings{"a b"});
    CHECK(values(find_in_kernel_cmdline("netconsole=\"")) == Strings{""});
}

TEST_CASE("any kernel whitespace separates arguments", "[cmdline]") {
    CHECK(values(find_in_kernel_cmdline("\tro\nnetconsole=x\r\fquiet\v")) == Strings{"x"});
    CHECK(values(find_in_kernel_cmdline("   netconsole=x   ")) == Strings{"x"});
}

TEST_CASE("an empty netconsole= is found with an empty value", "[cmdline]") {
    const auto found = find_in_kernel_cmdline("netconsole= quiet");
    REQUIRE(found.size() == 1);
    CHECK(found[0].value.empty());
}

TEST_CASE("similar names and bare flags are not netconsole values", "[cmdline]") {
    CHECK(find_in_kernel_cmdline("netconsole").empty());
    CHECK(find_in_kernel_cmdline("netconsolex=1 xnetconsole=1 netconsole_=1").empty());
    CHECK(find_in_kernel_cmdline("Netconsole=1 netconsole.oops_only=1").empty());
    CHECK(find_in_kernel_cmdline("mod.netconsole=1").empty());
    CHECK(find_in_kernel_cmdline("").empty());
    CHECK(find_in_kernel_cmdline("   ").empty());
}

TEST_CASE("arguments after a bare -- belong to init", "[cmdline]") {
    CHECK(values(find_in_kernel_cmdline("netconsole=a -- netconsole=b")) == Strings{"a"});
    CHECK(values(find_in_kernel_cmdline("--=x netconsole=a")) == Strings{"a"});
    // A quoted "--" keeps its closing quote in the name, so it does not stop.
    CHECK(values(find_in_kernel_cmdline("\"--\" netconsole=a")) == Strings{"a"});
}

TEST_CASE("the first '=' splits name from value", "[cmdline]") {
    CHECK(values(find_in_kernel_cmdline("netconsole=a=b")) == Strings{"a=b"});
}

TEST_CASE("modprobe options lines for netconsole yield their netconsole= values",
          "[modprobe]") {
    const auto found = find_in_modprobe_conf(
        "# netconsole for the lab\n"
        "options netconsole netconsole=@/,@10.0.0.2/\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].value == "@/,@10.0.0.2/");
    CHECK(found[0].parameter == "netconsole");
}

TEST_CASE("modprobe values may be quoted and sit among other options", "[modprobe]") {
    CHECK(values(find_in_modprobe_conf(
              "options netconsole oops_only=1 netconsole=\"+@/,@10.0.0.2/;@/,@10.0.0.3/\"\n")) ==
          Strings{"+@/,@10.0.0.2/;@/,@10.0.0.3/"});
    CHECK(values(find_in_modprobe_conf("options netconsole \"netconsole=@/my dev,@1.2.3.4/\"")) ==
          Strings{"@/my dev,@1.2.3.4/"});
    CHECK(values(find_in_modprobe_conf("\t options\tnetconsole\t netconsole=x  ")) ==
          Strings{"x"});
}

TEST_CASE("modprobe comments and other modules are ignored", "[modprobe]") {
    CHECK(find_in_modprobe_conf("#options netconsole netconsole=x\n").empty());
    CHECK(find_in_modprobe_conf("  # options netconsole netconsole=x\n").empty());
    CHECK(find_in_modprobe_conf("options e1000e netconsole=x\n").empty());
    CHECK(find_in_modprobe_conf("options netconsole_extra netconsole=x\n").empty());
    CHECK(find_in_modprobe_conf("install netconsole /bin/true netconsole=x\n").empty());
    CHECK(find_in_modprobe_conf("options netconsole\n").empty());
    CHECK(find_in_modprobe_conf("options netconsole oops_only=1\n").empty());
    CHECK(find_in_modprobe_conf("options netconsole netconsole.netconsole=x\n").empty());
    CHECK(find_in_modprobe_conf("").empty());
}

TEST_CASE("modprobe joins lines that end in a backslash", "[modprobe]") {
    CHECK(values(find_in_modprobe_conf("options netconsole \\\n  netconsole=x\n")) ==
          Strings{"x"});
    CHECK(values(find_in_modprobe_conf("options \\\nnetconsole netconsole=a\\\nb\n")) ==
          Strings{"ab"});
    // A continued comment swallows the next line too.
    CHECK(find_in_modprobe_conf("# note \\\noptions netconsole netconsole=x\n").empty());
    // A backslash on the last line has nothing to join.
    CHECK(values(find_in_modprobe_conf("options netconsole netconsole=x\\")) ==
          Strings{"x"});
}

TEST_CASE("modprobe returns every netconsole value in file order", "[modprobe]") {
    CHECK(values(find_in_modprobe_conf("options netconsole netconsole=a\n"
                                       "blacklist foo\n"
                                       "options netconsole netconsole=b netconsole=c\n")) ==
          Strings{"a", "b", "c"});
}

TEST_CASE("modprobe treats '-' and '_' alike in the module name", "[modprobe]") {
    CHECK(find_in_modprobe_conf("options net-console netconsole=x\n").empty());
    CHECK(values(find_in_modprobe_conf("options netconsole netconsole=x\r\n")) ==
          Strings{"x"});
}

TEST_CASE("the kernel keeps the last netconsole value of each store") {
    using ncs::grammar::overridden_by;
    using Store = ncs::grammar::ValueStore;
    CHECK(overridden_by({}).empty());
    CHECK(overridden_by({Store::kernel_cmdline}) ==
          std::vector<std::optional<std::size_t>>{std::nullopt});
    // Two on the command line, two in modprobe.d: one survivor in each store.
    CHECK(overridden_by({Store::kernel_cmdline, Store::kernel_cmdline, Store::module_options,
                         Store::kernel_cmdline, Store::module_options}) ==
          std::vector<std::optional<std::size_t>>{3, 3, 4, std::nullopt, std::nullopt});
    // A store does not override another.
    CHECK(overridden_by({Store::module_options, Store::kernel_cmdline}) ==
          std::vector<std::optional<std::size_t>>{std::nullopt, std::nullopt});
}
