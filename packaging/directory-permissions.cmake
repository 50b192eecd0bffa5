# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS, packaging/CPack.cmake): every
# directory of the staged package becomes 0755, as Debian wants them
# (lintian: non-standard-dir-perm). The install rules create them with mkdir,
# which the umask of the build trims: under umask 077 they were 0700, and
# CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS does not help, since it goes
# through the same mkdir. Files need nothing: install() sets their modes.
file(GLOB_RECURSE ncs_staged LIST_DIRECTORIES true "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*")
foreach(ncs_path IN LISTS ncs_staged)
    if(IS_DIRECTORY "${ncs_path}" AND NOT IS_SYMLINK "${ncs_path}")
        file(CHMOD "${ncs_path}" DIRECTORY_PERMISSIONS
             OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
             WORLD_READ WORLD_EXECUTE)
    endif()
endforeach()
