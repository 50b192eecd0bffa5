#include "options.hpp"



namespace ncs::cli {

std::string_view flag_of(Field field) noexcept {
    switch (field) {
    case Field::destination: return "--to";
    case Field::remote_port: return "--port";
    case Field::local_port: return "--src-port";
    case Field::local_address: return "--src";
    case Field::device: return "--dev";
    case Field::remote_mac: return "--mac";
    case Field::broadcast: return "--broadcast";
    case Field::name: return "--name";
    case Field::console_level: return "--loglevel";
    case Field::userdata: return "--userdata";
    case Field::sysdata: return "--sysdata";
    case Field::timeout: return "--timeout";
    case Field::config_file: return "--config";
    case Field::listen_port: return "--port";
    case Field::listen_address: return "--address";
    case Field::allow: return "--allow";
    case Field::output: return "--output";
    case Field::kernel_release: return "--kernel";
    case Field::watchdog: return "--watchdog";
    }
    return "?";
}

} // namespace ncs::cli
