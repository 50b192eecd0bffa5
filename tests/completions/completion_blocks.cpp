// completion_blocks: prints or rewrites the generated blocks of the completion files
// from the CLI11 app, so a new subcommand or option reaches bash, zsh and fish.
//   completion_blocks bash|zsh|fish      print the block
//   completion_blocks --update SRC_DIR   rewrite the blocks in SRC_DIR/completions/

#include "app.hpp"
#include "surface.hpp"

// CLI11 defines these classes' virtual functions in headers: one per executable.
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

namespace {

std::string block_for(std::string_view shell, const std::vector<ncs::surface::CommandInfo>& s) {
    if (shell == "bash") {
        return ncs::surface::bash_block(s);
    }
    if (shell == "zsh") {
        return ncs::surface::zsh_block(s);
    }
    if (shell == "fish") {
        return ncs::surface::fish_block(s);
    }
    throw std::invalid_argument(fmt::format("unknown shell '{}'", shell));
}

} // namespace

int main(int argc, char** argv) {
    try {
        ncs::cli::GlobalOptions global;
        const auto built = ncs::cli::build_app(global);
        const auto surface = ncs::surface::walk(*built.app);
        const std::vector<std::string_view> args(argv + 1, argv + argc);
        if (args.size() == 1) {
            std::cout << block_for(args[0], surface);
            return 0;
        }
        if (args.size() == 2 && args[0] == "--update") {
            for (const std::string_view shell : {"bash", "zsh", "fish"}) {
                const auto path = fmt::format("{}/completions/netconsole-setup.{}", args[1], shell);
                std::ifstream in(path);
                if (!in) {
                    throw std::runtime_error(fmt::format("cannot read {}", path));
                }
                std::stringstream text;
                text << in.rdbuf();
                const auto updated = ncs::surface::replace_block(text.str(), block_for(shell, surface));
                if (updated != text.str()) {
                    std::ofstream(path) << updated;
                    std::cout << "updated " << path << '\n';
                }
            }
            return 0;
        }
        std::cerr << "usage: completion_blocks bash|zsh|fish | --update SRC_DIR\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "completion_blocks: " << e.what() << '\n';
        return 1;
    }
}
