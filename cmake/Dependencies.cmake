# Every dependency comes from a Debian 12 package (scripts/debian-packages.txt).

find_package(fmt REQUIRED)
find_package(Threads REQUIRED) # HostLookups: getaddrinfo off the event loop
# ncs_fmt: what project targets link for fmt: its header-only mode (FMT_HEADER_ONLY) in
# every build. The formatting code the tool uses is compiled in, so a run maps no
# libfmt.so.9 (one object, its relocations and page faults fewer: bench/startup.sh),
# and the package does not depend on libfmt9 (dpkg-shlibdeps sees no libfmt).
# Debian ships fmt's headers for this mode; NCS_STATIC needs it anyway (no libfmt.a).
add_library(ncs_fmt INTERFACE)
target_link_libraries(ncs_fmt INTERFACE fmt::fmt-header-only)

if(NOT NCS_BUILD_FUZZER)
    find_package(PkgConfig REQUIRED)
    find_package(CLI11 REQUIRED)
    find_package(nlohmann_json 3.11 REQUIRED)
    pkg_check_modules(LIBNL REQUIRED IMPORTED_TARGET libnl-3.0 libnl-route-3.0)
    # libkmod: the header only; lib/system/kmod.cpp opens libkmod.so.2 with dlopen.
    pkg_check_modules(KMOD REQUIRED libkmod)
    # GnuTLS: the header only; lib/system/forwarder.cpp opens libgnutls.so.30 with
    # dlopen for a tls:// forward target (listen --forward).
    pkg_check_modules(GNUTLS REQUIRED gnutls)
    # ncs_libnl: libnl-route-3 and libnl-3, shared by default; NCS_STATIC links the
    # archives libnl-3-dev and libnl-route-3-dev ship, with what they need (pkg-config --static).
    add_library(ncs_libnl INTERFACE)
    if(NCS_STATIC)
        find_library(NCS_LIBNL_ROUTE_A NAMES libnl-route-3.a REQUIRED)
        find_library(NCS_LIBNL_A NAMES libnl-3.a REQUIRED)
        target_include_directories(ncs_libnl INTERFACE ${LIBNL_INCLUDE_DIRS})
        target_link_libraries(ncs_libnl INTERFACE ${NCS_LIBNL_ROUTE_A} ${NCS_LIBNL_A} pthread m)
        # libnl registers the route, link and neighbour cache operations, through which
        # it parses their messages, in constructors of route.o, link.o, neigh.o and addr.o. An
        # archive member is linked only when a symbol is needed from it, and nothing
        # netlink.cpp calls lives in route.o: name one symbol of each (without it,
        # every route answer parses as empty: "no route in the answer").
        target_link_options(ncs_libnl INTERFACE LINKER:--undefined=rtnl_route_alloc_cache
            LINKER:--undefined=rtnl_link_alloc_cache LINKER:--undefined=rtnl_neigh_alloc_cache
            LINKER:--undefined=rtnl_addr_alloc_cache)
    else()
        target_link_libraries(ncs_libnl INTERFACE PkgConfig::LIBNL)
    endif()
endif()
if(NCS_BUILD_TESTS AND NOT NCS_BUILD_FUZZER)
    find_package(Catch2 2.13 REQUIRED)
endif()
