# ncs_settings: an INTERFACE target that carries warnings and sanitizer flags
# to every project target that links it.
option(NCS_WERROR "Treat warnings as errors" OFF)
option(NCS_STATIC "Link a fully static executable (libnl, libfmt header-only, libstdc++, libgcc and libc), for embedded images and initramfs use" OFF)
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

# ncs_link: link options of the executable (cli/CMakeLists.txt), for start-up cost
# (bench/startup.sh measures them).
#   --as-needed: no DT_NEEDED entry for a library nothing in the binary uses;
#   -O1: the linker optimises the hash tables the dynamic loader searches;
#   --gc-sections: unused sections of the archives (libstdc++.a and libnl's under
#     NCS_STATIC) stay out of the binary.
# Lazy binding stays (no -z now): LD_BIND_NOW=1 costs more at start-up than the
# few functions a run resolves on first call. No -fvisibility: an executable
# exports nothing without -rdynamic.
add_library(ncs_link INTERFACE)
target_link_options(ncs_link INTERFACE LINKER:-O1 LINKER:--as-needed LINKER:--gc-sections)
# NCS_STATIC links a fully static, position-dependent executable (-static -no-pie),
# as busybox is in an initramfs: no dynamic loader at start-up, no relocations, and
# under QEMU TCG (bench/vm-startup.sh, the stand-in for a slow board) all of its code
# sits at one address, so it keeps its translation from one run to the next
# (re-apply in the guest: 99 ms static-libstdc++ PIE, 63 ms -no-pie, 24-35 ms
# fully static). The price: no address randomisation of the program's code, and the two
# things glibc does through shared objects even in a static program need that very
# glibc's libraries at run time: dlopen (libkmod, only to load a module) and
# getaddrinfo's NSS modules beyond files and dns. For dlopen, lib/system/
# shared_library.cpp is told the dynamic loader's path (NCS_ELF_INTERPRETER), which
# the libc.so.6 that libkmod needs asks for and a static program's search path lacks.
if(NCS_STATIC)
    target_link_options(ncs_link INTERFACE -static -no-pie)
    # The path the compiler's driver gives a dynamic program's PT_INTERP.
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} "-###" -x c++ /dev/null -o /dev/null
        ERROR_VARIABLE ncs_driver OUTPUT_QUIET)
    string(REGEX MATCH "-dynamic-linker\"? \"?([^\" ]+)" ncs_match "${ncs_driver}")
    if(NOT CMAKE_MATCH_1)
        message(FATAL_ERROR "NCS_STATIC: ${CMAKE_CXX_COMPILER} names no dynamic linker (-###)")
    endif()
    set(NCS_ELF_INTERPRETER "${CMAKE_MATCH_1}")
    message(STATUS "NCS_STATIC: dlopen preloads the dynamic loader ${NCS_ELF_INTERPRETER}")
endif()
