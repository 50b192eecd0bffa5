#include "level_option.hpp"

#include "errors.hpp"
#include "model/console_level.hpp"
#include "model/errors.hpp"

namespace ncs::cli {

int parse_level_option(std::string_view text, std::string_view flag) {
    try {
        return parse_console_level(text);
    } catch (const FieldError& error) {
        throw flag_error(error, flag);
    }
}

} // namespace ncs::cli
