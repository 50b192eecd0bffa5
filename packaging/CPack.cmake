# The Debian package, built with `cpack -G DEB` in a build directory (the package
# tier, tests/package, builds and installs it). Everything installed by the
# install() rules goes in: the binary in sbin, the man page, the completions and
# the systemd unit.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netconsole-setup)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "netconsole-setup maintainers <maintainers@users.noreply.h-seed-9d2d7189.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # netconsole-setup_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_STRIP_FILES ON) # as dh_strip does; debug info stays in the build tree
# CPack makes the summary the Description's first line and indents the rest.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Set up Linux netconsole on the host that sends the logs")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"netconsole-setup finds the interface, the source address and the next hop's
MAC for a netconsole receiver through netlink, the way the kernel routes,
and prints the netconsole= value, writes configfs targets, or makes them
survive a reboot (kernel command line, modprobe.d, a systemd service).

It explains netconsole= values field by field, handles IPv6 (link-local
included) and several receivers, and reads Debian's /etc/default/netconsole.")

# Depends: from the shared libraries the binary links (dpkg-shlibdeps), so they are
# the libnl and libstdc++ versions it was built against (fmt is compiled in:
# FMT_HEADER_ONLY, cmake/Dependencies.cmake).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libkmod is opened with dlopen when a module must be loaded (lib/system/kmod.cpp),
# so the binary does not link it and dpkg-shlibdeps cannot see it: name it here, at
# the version libkmod2's symbols file gives the functions kmod.cpp resolves. CPack
# appends it to what dpkg-shlibdeps found.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libkmod2 (>= 5~)")

# Debian's `netconsole` package (IONOS netconsole-setup 0.3) ships
# /usr/sbin/netconsole-setup, its man page and /etc/default/netconsole. This
# package ships a file at the same path and takes over that job, so the two
# cannot be installed together: Conflicts makes dpkg/apt remove `netconsole`,
# and Replaces lets our files overwrite its files during that switch (Debian
# Policy 7.6.2, "replacing whole packages"). Breaks would be wrong: it allows
# both unpacked at once, with one file owned by two packages. No Provides:
# nothing depends on `netconsole`, and we do not ship its netconsole.service,
# so claiming to be it would mislead apt.
set(CPACK_DEBIAN_PACKAGE_CONFLICTS netconsole)
set(CPACK_DEBIAN_PACKAGE_REPLACES netconsole)

include(CPack)
