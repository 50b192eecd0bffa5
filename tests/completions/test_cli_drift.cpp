// The drift test: walks the CLI11 app that main runs (every subcommand, every long
// option) and fails when one is missing from a completion file or the man page.
#define CATCH_CONFIG_MAIN
#include "app.hpp"
#include "surface.hpp"

// CLI11 defines these classes' virtual functions in headers: one per executable.
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#ifndef NCS_SOURCE_DIR
#error "NCS_SOURCE_DIR must be defined by the build"
#endif

namespace {

using ncs::surface::CommandInfo;

const std::vector<CommandInfo>& surface() {
    static ncs::cli::GlobalOptions global;
    static const auto built = ncs::cli::build_app(global);
    static const auto commands = ncs::surface::walk(*built.app);
    return commands;
}

const CommandInfo& root() {
    return surface().front();
}

std::string source_path(std::string_view relative) {
    return fmt::format("{}/{}", NCS_SOURCE_DIR, relative);
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// stdout of a shell command line built by this test from the app's own names.
std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) {
        throw std::runtime_error("cannot run " + command);
    }
    std::string out;
    std::array<char, 4096> buffer{};
    while (const auto n = fread(buffer.data(), 1, buffer.size(), pipe.get())) {
        out.append(buffer.data(), n);
    }
    return out;
}

std::vector<std::string> long_options(const CommandInfo& command) {
    std::vector<std::string> names;
    for (const auto& option : command.options) {
        for (const auto& name : option.names) {
            if (name.starts_with("--")) {
                names.push_back(name);
            }
        }
    }
    return names;
}

/// The long options the completion must offer after `netconsole-setup <command>`.
std::vector<std::string> offered_options(const CommandInfo& command) {
    auto names = long_options(command);
    if (!command.path.empty()) {
        for (const auto& option : root().options) {
            if (option.global) {
                for (const auto& name : option.names) {
                    if (name.starts_with("--")) {
                        names.push_back(name);
                    }
                }
            }
        }
    }
    return names;
}

bool has_word(const std::string& text, const std::string& word) {
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
        const auto end = at + word.size();
        const auto word_char = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        };
        if ((at == 0 || !word_char(text[at - 1])) && (end == text.size() || !word_char(text[end]))) {
            return true;
        }
    }
    return false;
}

struct Shell {
    std::string_view name;
    std::string (*block)(const std::vector<CommandInfo>&);
};

constexpr std::array<Shell, 3> k_shells{{
    {"bash", ncs::surface::bash_block},
    {"zsh", ncs::surface::zsh_block},
    {"fish", ncs::surface::fish_block},
}};

std::string completion_path(std::string_view shell) {
    return source_path(fmt::format("completions/netconsole-setup.{}", shell));
}

/// The part of the scdoc source under "## <path>", up to the next heading.
std::string man_section(const std::string& man, const std::string& heading_prefix) {
    std::string section;
    bool inside = false;
    for (const auto& line : lines_of(man)) {
        if (line.starts_with("#")) {
            inside = line == heading_prefix || line.starts_with(heading_prefix + " ");
            continue;
        }
        if (inside) {
            section += line + '\n';
        }
    }
    return section;
}

} // namespace

TEST_CASE("the app has the subcommands and options the drift test walks") {
    // Guards the walk itself: an empty surface would make every check below pass.
    REQUIRE(surface().size() > 2);
    CHECK(has_word(fmt::format("{}", fmt::join(root().subcommands, " ")), "explain"));
    CHECK(has_word(fmt::format("{}", fmt::join(long_options(root()), " ")), "--root"));
}

TEST_CASE("each completion file holds the block generated from the app") {
    for (const auto& shell : k_shells) {
        INFO(fmt::format("{}; after changing the CLI run: cmake --build BUILD --target "
                         "update-completions, and review the diff",
                         completion_path(shell.name)));
        const auto in_file = ncs::surface::extract_block(read(completion_path(shell.name)));
        const auto expected = shell.block(surface());
        if (in_file != expected) {
            const auto have = lines_of(in_file);
            const auto want = lines_of(expected);
            const std::set<std::string> have_set(have.begin(), have.end());
            const std::set<std::string> want_set(want.begin(), want.end());
            std::string diff;
            for (const auto& line : want) {
                if (!have_set.contains(line)) {
                    diff += "missing: " + line + '\n';
                }
            }
            for (const auto& line : have) {
                if (!want_set.contains(line)) {
                    diff += "stale:   " + line + '\n';
                }
            }
            FAIL_CHECK(fmt::format("{} completion is out of date:\n{}", shell.name,
                                   diff.empty() ? "lines in another order\n" : diff));
        }
    }
}

TEST_CASE("each completion file names every subcommand and long option") {
    for (const auto& shell : k_shells) {
        const auto text = read(completion_path(shell.name));
        for (const auto& command : surface()) {
            if (!command.path.empty()) {
                INFO(fmt::format("{}: subcommand '{}'", shell.name, command.path));
                CHECK(has_word(text, command.path));
            }
            for (const auto& option : long_options(command)) {
                INFO(fmt::format("{}: {} {}", shell.name, command.path, option));
                // fish names a long option without its dashes: "-l name".
                CHECK((has_word(text, option) ||
                       (shell.name == "fish" && has_word(text, "-l " + option.substr(2)))));
            }
        }
    }
}

TEST_CASE("bash completes every subcommand and every option of each") {
    const auto file = completion_path("bash");
    const auto complete = [&](const std::string& words, int cword) {
        return run(fmt::format("bash --norc -c 'source \"{}\"; COMP_WORDS=({}); COMP_CWORD={}; "
                               "_netconsole_setup; printf \"%s\\n\" \"${{COMPREPLY[@]}}\"'",
                               file, words, cword));
    };
    const auto subcommands = lines_of(complete("netconsole-setup \"\"", 1));
    for (const auto& name : root().subcommands) {
        INFO("bash offers subcommand " << name);
        CHECK(std::find(subcommands.begin(), subcommands.end(), name) != subcommands.end());
    }
    for (const auto& command : surface()) {
        if (command.path.find(' ') != std::string::npos) {
            continue; // nested subcommands: none yet; the block check above still covers them
        }
        const auto offered = lines_of(command.path.empty()
                                          ? complete("netconsole-setup --", 1)
                                          : complete("netconsole-setup " + command.path + " --", 2));
        for (const auto& option : offered_options(command)) {
            INFO(fmt::format("bash: netconsole-setup {} {}", command.path, option));
            CHECK(std::find(offered.begin(), offered.end(), option) != offered.end());
        }
    }
}

/// The words the shell's completion offers after line, run for real.
std::vector<std::string> offered_by(std::string_view shell, const std::string& line) {
    std::string command;
    if (shell == "fish") {
        command = fmt::format("fish --no-config -c 'source \"{}\"; complete -C\"{}\"'",
                              completion_path("fish"), line);
    } else {
        command = fmt::format("zsh -f \"{}\" \"{}\" \"{}\"",
                              source_path("tests/completions/zsh-complete.zsh"),
                              completion_path("zsh"), line);
    }
    std::vector<std::string> words;
    for (const auto& entry : lines_of(run(command))) {
        words.push_back(entry.substr(0, entry.find('\t'))); // fish: "word<TAB>description"
    }
    return words;
}

TEST_CASE("zsh and fish complete every subcommand and every option of each") {
    for (const std::string_view shell : {"zsh", "fish"}) {
        const auto subcommands = offered_by(shell, "netconsole-setup ");
        for (const auto& name : root().subcommands) {
            INFO(shell << " offers subcommand " << name);
            CHECK(std::find(subcommands.begin(), subcommands.end(), name) != subcommands.end());
        }
        for (const auto& command : surface()) {
            if (command.path.find(' ') != std::string::npos) {
                continue;
            }
            const auto offered = offered_by(shell, command.path.empty()
                                                       ? std::string("netconsole-setup --")
                                                       : "netconsole-setup " + command.path + " --");
            for (const auto& option : offered_options(command)) {
                INFO(fmt::format("{}: netconsole-setup {} {}", shell, command.path, option));
                CHECK(std::find(offered.begin(), offered.end(), option) != offered.end());
            }
        }
    }
}

TEST_CASE("the man page documents every subcommand and long option") {
    // Each subcommand has a "## <name>" subsection that shows its options as *--option*;
    // one that says it takes the target options may leave those to "## Target options",
    // and the program's own options are under "# OPTIONS" and "## Global options".
    const auto man = read(source_path("man/netconsole-setup.8.scd"));
    const auto options_section =
        man_section(man, "# OPTIONS") + man_section(man, "## Global options");
    const auto target_section = man_section(man, "## Target options");
    REQUIRE_FALSE(target_section.empty());
    for (const auto& command : surface()) {
        const auto section = command.path.empty() ? options_section
                                                  : man_section(man, "## " + command.path);
        INFO("man page: subcommand '" << command.path << "'");
        if (!command.path.empty()) {
            CHECK_FALSE(section.empty());
        }
        const bool takes_target_options =
            command.path.empty() || section.find("target options") != std::string::npos;
        for (const auto& option : long_options(command)) {
            if (option == "--help") {
                continue; // every subcommand has it; the page says so once
            }
            INFO("man page: " << command.path << " " << option);
            const auto bold = "*" + option + "*";
            CHECK((section.find(bold) != std::string::npos ||
                   (takes_target_options && target_section.find(bold) != std::string::npos)));
        }
    }
}

TEST_CASE("the man page names no long option the app does not have") {
    std::set<std::string> known;
    for (const auto& command : surface()) {
        for (const auto& option : long_options(command)) {
            known.insert(option);
        }
    }
    // Options are shown in bold: *--option*; lines starting with ';' are scdoc comments.
    std::string man;
    for (const auto& line : lines_of(read(source_path("man/netconsole-setup.8.scd")))) {
        if (!line.starts_with(";")) {
            man += line + '\n';
        }
    }
    for (auto at = man.find("*--"); at != std::string::npos; at = man.find("*--", at + 1)) {
        const auto end = man.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-", at + 3);
        const auto option = man.substr(at + 1, end - at - 1);
        INFO("man page: " << option << " is no option of netconsole-setup");
        CHECK(known.contains(option));
    }
}
