# ncs_settings: an INTERFACE target that carries warnings and sanitizer flags
# to every project target that links it.
option(NCS_WERROR "Treat warnings as errors" OFF)
option(NCS_STATIC "Link libnl, libfmt (header-only), libstdc++ and libgcc statically, for embedded images and initramfs use; libc stays dynamic" OFF)
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
# (bench/startup.sh measures them). NCS_STATIC (cmake/Dependencies.cmake) adds
# libstdc++ and libgcc as archives; libc stays dynamic, so dlopen (libkmod) and
# getaddrinfo's NSS modules work as in any Debian binary.
#   --as-needed: no DT_NEEDED entry for a library nothing in the binary uses;
#   -O1: the linker optimises the hash tables the dynamic loader searches;
#   --gc-sections: unused sections of the archives (libstdc++.a and libnl's under
#     NCS_STATIC) stay out of the binary.
# Lazy binding stays (no -z now): LD_BIND_NOW=1 costs more at start-up than the
# few functions a run resolves on first call. No -fvisibility: an executable
# exports nothing without -rdynamic.
add_library(ncs_link INTERFACE)
target_link_options(ncs_link INTERFACE LINKER:-O1 LINKER:--as-needed LINKER:--gc-sections)
# NCS_STATIC also links a position-dependent executable (-no-pie), as busybox is in
# an initramfs: no relative relocations, and under QEMU TCG (bench/vm-startup.sh,
# the stand-in for a slow board) code at a fixed address keeps its translation
# from one run to the next (NCS_STATIC re-apply in the guest: 99 ms PIE, 63 ms not).
# The price: no address randomisation of the program's own code.
if(NCS_STATIC)
    target_link_options(ncs_link INTERFACE -static-libstdc++ -static-libgcc -no-pie)
endif()
