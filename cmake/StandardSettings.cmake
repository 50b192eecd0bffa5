# ncs_settings: an INTERFACE target that carries warnings and sanitizer flags
# to every project target that links it.
option(NCS_WERROR "Treat warnings as errors" OFF)
option(NCS_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(ncs_settings INTERFACE)
target_compile_options(ncs_settings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    $<$<BOOL:${NCS_WERROR}>:-Werror>)

if(NCS_SANITIZE)
    target_compile_options(ncs_settings INTERFACE
        -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(ncs_settings INTERFACE -fsanitize=address,undefined)
endif()
