# The Debian package, built with `cpack -G DEB` in a build directory (the package
# tier, tests/package, builds it, runs lintian on it and installs it). Everything
# installed by the install() rules goes in: the binary in sbin, the man page, the
# completions, the systemd units, and the copyright file and changelog
# (packaging/CMakeLists.txt).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netconsole-setup)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "netconsole-setup maintainers <maintainers@users.noreply.h-seed-9d2d7189.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # netconsole-setup_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_STRIP_FILES ON) # as dh_strip does; debug info stays in the build tree
# CPack makes the summary the Description's first line and indents the rest by one
# space; its lines starting with a space (the list) are shown as they are (Debian
# Policy 5.6.13). It names what the package does today: both sides and the units.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Set up Linux netconsole and receive what it sends")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"On the host that sends the logs (the patient), netconsole-setup finds the
interface, the source address and the next hop's MAC for a netconsole
receiver through netlink, the way the kernel routes, and then:
 - print: prints the netconsole= value (explain reads one field by field);
 - apply: writes the targets to configfs, loading the module if needed;
 - cmdline, modprobe: make them survive a reboot, on the kernel command
   line or in modprobe.d; netconsole-setup.service applies
   /etc/netconsole-setup.conf at every boot;
 - watch: keeps the targets right while the network changes (a new router
   MAC, another gateway, a DHCP renewal), as netconsole-setup-watch.service.

On the host that receives them (the doctor), listen reassembles extended
records, counts the lost ones per sender and writes them to files or to the
journal; netconsole-setup-listen.socket runs it on UDP port 6666.

It handles IPv6 (link-local included) and several receivers, and reads
Debian's /etc/default/netconsole.")

# Directories 0755 whatever the umask of the build (packaging/directory-permissions.cmake
# says why it takes a script); the control files (md5sums) 0644, as dpkg-deb
# expects them.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/directory-permissions.cmake)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

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
