// The kernel command-line fragment and the contents of the files that make
// netconsole survive a reboot; each is read back with the parsers the kernel
// and kmod rules are pinned by (lib/grammar).
#include "persist/persist.hpp"

#include "grammar/boot_values.hpp"
#include "grammar/netconsole_string.hpp"
#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ncs::persist;
using ncs::IpAddress;
using ncs::MacAddress;
using ncs::Target;

namespace {

Target target(const char* remote, std::uint16_t port = 6666) {
    Target t;
    t.device = std::string("eth0");
    t.local_ip = IpAddress::parse("192.0.2.10");
    t.remote_ip = IpAddress::parse(remote);
    t.remote_port = port;
    t.remote_mac = MacAddress::parse("52:54:00:12:34:56");
    return t;
}

const std::string k_value = "6665@192.0.2.10/eth0,6666@192.0.2.5/52:54:00:12:34:56";

} // namespace

TEST_CASE("built in, the fragment is netconsole=, and as a module netconsole.netconsole=",
          "[persist]") {
    const std::vector<Target> targets{target("192.0.2.5")};
    CHECK(cmdline_fragment(targets, Build::builtin, std::nullopt) == "netconsole=" + k_value);
    CHECK(cmdline_fragment(targets, Build::module, std::nullopt) ==
          "netconsole.netconsole=" + k_value);
}

TEST_CASE("a cmdline fragment with --loglevel appends loglevel=N, 1-8 only", "[persist]") {
    const std::vector<Target> targets{target("192.0.2.5")};
    CHECK(cmdline_fragment(targets, Build::module, 8) ==
          "netconsole.netconsole=" + k_value + " loglevel=8");
    CHECK_THROWS_AS(cmdline_fragment(targets, Build::module, 0), ncs::InputError);
    CHECK_THROWS_AS(cmdline_fragment(targets, Build::module, 9), ncs::InputError);
}

TEST_CASE("the fragment reads back through the kernel's command-line rules", "[persist]") {
    const std::vector<Target> targets{target("192.0.2.5"), target("192.0.2.6", 514)};
    const auto fragment = cmdline_fragment(targets, Build::builtin, 7);
    // ';' needs no quotes on the kernel command line (only in a shell).
    CHECK(fragment.find('"') == std::string::npos);
    const auto found = ncs::grammar::find_in_kernel_cmdline("ro " + fragment + " quiet");
    REQUIRE(found.size() == 1);
    CHECK(ncs::grammar::parse(found[0].value).targets.size() == 2);
    CHECK(found[0].value == ncs::grammar::format(targets));
}

TEST_CASE("a value with white space is double-quoted, and reads back whole", "[persist]") {
    CHECK(kernel_param("x", "a b") == "x=\"a b\"");
    CHECK(kernel_param("x", "a\tb") == "x=\"a\tb\"");
    CHECK(kernel_param("x", "a;b") == "x=a;b");
    const auto found = ncs::grammar::find_in_kernel_cmdline(
        "ro " + kernel_param("netconsole", "@/my dev,@10.0.0.2/") + " quiet");
    REQUIRE(found.size() == 1);
    CHECK(found[0].value == "@/my dev,@10.0.0.2/");
}

TEST_CASE("a double quote or a control character is refused", "[persist]") {
    // An unbalanced quote would swallow the rest of the command line into the value.
    CHECK_THROWS_AS(kernel_param("netconsole", "@/a\"b,@10.0.0.2/"), ncs::InputError);
    CHECK_THROWS_AS(kernel_param("netconsole", std::string("a\x01") + "b"), ncs::InputError);
}

TEST_CASE("past 255 characters is an error, 255 is fine", "[persist]") {
    CHECK_NOTHROW(kernel_param("netconsole", std::string(255, 'a')));
    try {
        kernel_param("netconsole", std::string(256, 'a'));
        FAIL("no exception");
    } catch (const ncs::InputError& e) {
        CHECK(std::string(e.what()) ==
              "netconsole= would be 256 characters; the kernel takes at most 255");
    }
}

TEST_CASE("the modprobe.d file holds one options line kmod reads back", "[persist]") {
    const std::vector<Target> targets{target("192.0.2.5"), target("192.0.2.6", 514)};
    const auto text = modprobe_conf(targets);
    CHECK(is_owned(text));
    CHECK(text.ends_with("\noptions netconsole netconsole=" + ncs::grammar::format(targets) + "\n"));
    const auto found = ncs::grammar::find_in_modprobe_conf(text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].value == ncs::grammar::format(targets));
}

TEST_CASE("modules-load.d holds the module name on its own line", "[persist]") {
    const auto text = modules_load_conf();
    CHECK(is_owned(text));
    // modules-load.d: one module per line, '#' and ';' start comments.
    std::vector<std::string> names;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto end = text.find('\n', pos);
        const auto line = text.substr(pos, end - pos);
        if (!line.empty() && line[0] != '#' && line[0] != ';') {
            names.push_back(line);
        }
        pos = end + 1;
    }
    CHECK(names == std::vector<std::string>{"netconsole"});
}

TEST_CASE("the initramfs-tools hook is a script the tool owns on its second line", "[persist]") {
    const std::vector<std::string> modules{"netconsole", "e1000e", "virtio_net"};
    const auto text = initramfs_tools_hook(modules);
    CHECK(text.starts_with("#!/bin/sh\n# Managed by netconsole-setup.\n"));
    CHECK(is_owned(text));
    // mkinitramfs calls each hook with "prereqs" first, then with no argument.
    CHECK(text.find("\ncase \"$1\" in\nprereqs) exit 0 ;;\nesac\n") != std::string::npos);
    CHECK(text.ends_with("\n. /usr/share/initramfs-tools/hook-functions\n"
                         "manual_add_modules netconsole e1000e virtio_net\n"));
    // The names go into a shell script: only a module name's characters.
    for (const auto* bad : {"", "e1000;reboot", "a b", "$(id)", "net/console"}) {
        CHECK_THROWS_AS(initramfs_tools_hook(std::vector<std::string>{bad}), ncs::InputError);
    }
    // Only the line right after a "#!" line counts, not any later one.
    CHECK_FALSE(is_owned("#!/bin/sh\n"));
    CHECK_FALSE(is_owned("#!/bin/sh\nexit 0\n# Managed by netconsole-setup.\n"));
    CHECK_FALSE(is_owned("# x\n# Managed by netconsole-setup.\n"));
}

TEST_CASE("the sysctl.d file sets kernel.printk, keeping the other three values", "[persist]") {
    const auto text = sysctl_conf({std::array{8, 4, 1, 7}, std::nullopt, std::nullopt});
    REQUIRE(text);
    CHECK(is_owned(*text));
    CHECK(text->ends_with("\nkernel.printk = 8 4 1 7\n"));
    CHECK_THROWS_AS(sysctl_conf({std::array{0, 4, 1, 7}, std::nullopt, std::nullopt}), ncs::InputError);
    CHECK_THROWS_AS(sysctl_conf({std::array{9, 4, 1, 7}, std::nullopt, std::nullopt}), ncs::InputError);
}

TEST_CASE("the sysctl.d file holds kernel.printk and kernel.panic, each read back", "[persist]") {
    // panic_before: the value panic-watchdog found, a comment sysctl ignores.
    const SysctlSettings both{std::array{8, 4, 1, 7}, 0, 10};
    const auto text = sysctl_conf(both);
    REQUIRE(text);
    CHECK(text->ends_with("\nkernel.printk = 8 4 1 7\n"
                          "# kernel.panic before netconsole-setup = 10\nkernel.panic = 0\n"));
    CHECK(parse_sysctl_conf(*text) == both);
    // Each command rebuilds the file from what it read, dropping only its own line.
    auto panic_only = parse_sysctl_conf(*text);
    panic_only.printk.reset();
    const auto rebuilt = sysctl_conf(panic_only);
    REQUIRE(rebuilt);
    CHECK(rebuilt->ends_with("\n# kernel.panic before netconsole-setup = 10\nkernel.panic = 0\n"));
    CHECK(rebuilt->find("kernel.printk") == std::string::npos);
    CHECK_FALSE(sysctl_conf({}));
    // Spacing as sysctl.d allows it; a malformed value is not a setting.
    CHECK(parse_sysctl_conf("kernel.panic=-1\n").panic == -1);
    CHECK(parse_sysctl_conf("kernel.panic = 10 x\nkernel.printk = 1 2\n") == SysctlSettings{});
    CHECK(parse_sysctl_conf("# kernel.panic = 3\n") == SysctlSettings{});
}

TEST_CASE("the grub drop-in extends GRUB_CMDLINE_LINUX_DEFAULT", "[persist]") {
    const auto text = grub_dropin("netconsole=" + k_value + " loglevel=8");
    CHECK(is_owned(text));
    CHECK(text.ends_with("\nGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT netconsole=" +
                         k_value + " loglevel=8\"\n"));
}

TEST_CASE("in the grub drop-in semicolons and '$' are kept from GRUB and the shell", "[persist]") {
    // GRUB's grub.cfg parser ends a command at ';': single quotes keep it whole.
    CHECK(grub_dropin("netconsole=a;b").ends_with(
        "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT 'netconsole=a;b'\"\n"));
    CHECK(grub_dropin("netconsole=@/a$b,@1.2.3.4/").ends_with(
        "\"$GRUB_CMDLINE_LINUX_DEFAULT 'netconsole=@/a\\$b,@1.2.3.4/'\"\n"));
    CHECK(grub_dropin("netconsole=\"a b\" quiet").ends_with(
        "\"$GRUB_CMDLINE_LINUX_DEFAULT 'netconsole=\\\"a b\\\"' quiet\"\n"));
    CHECK_THROWS_AS(grub_dropin("netconsole=a'b"), ncs::InputError);
    CHECK_THROWS_AS(grub_dropin("netconsole=a\\b"), ncs::InputError);
}

TEST_CASE("a file is the tool's only when its first line says so", "[persist]") {
    CHECK(is_owned(std::string(k_owner_line) + "\nx\n"));
    CHECK(is_owned(k_owner_line));
    CHECK_FALSE(is_owned("options netconsole netconsole=x\n"));
    CHECK_FALSE(is_owned("# comment\n" + std::string(k_owner_line) + "\n"));
    CHECK_FALSE(is_owned(""));
}
