# cmake/install.cmake: what `cmake --install` lays out (GNUInstallDirs; the
# package uses CMAKE_INSTALL_PREFIX=/usr, so /etc and /var are the
# system's) and the Debian package CPack makes of it (scripts/dev.sh
# package).  Paths that authd's defaults and the units name are the
# packaged ones: /etc/authd/authd.conf, /run/authd/*.sock, /var/lib/authd.
include(GNUInstallDirs)

set(AUTHD_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "where the systemd units go (Debian 12 ships them in /lib)")
set(AUTHD_SYSUSERS_DIR "/usr/lib/sysusers.d" CACHE PATH "sysusers.d directory")
set(AUTHD_TMPFILES_DIR "/usr/lib/tmpfiles.d" CACHE PATH "tmpfiles.d directory")
set(AUTHD_GENERATED ${CMAKE_BINARY_DIR}/generated)

install(TARGETS authd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS authctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The commented configuration file and authd.conf(5), written by the
# freshly built authd from its option table (core/config_docs.h).
add_custom_command(
  OUTPUT ${AUTHD_GENERATED}/authd.conf ${AUTHD_GENERATED}/authd.conf.5
  COMMAND ${CMAKE_COMMAND} -E make_directory ${AUTHD_GENERATED}
  COMMAND ${CMAKE_COMMAND} -DAUTHD=$<TARGET_FILE:authd> -DOUT_DIR=${AUTHD_GENERATED}
          -DMAN_IN=${CMAKE_SOURCE_DIR}/man/authd.conf.5.in -P ${CMAKE_SOURCE_DIR}/cmake/config_docs.cmake
  DEPENDS authd ${CMAKE_SOURCE_DIR}/man/authd.conf.5.in ${CMAKE_SOURCE_DIR}/cmake/config_docs.cmake
  COMMENT "Writing authd.conf and authd.conf(5) from the option table")

# nginx's files with the packaged sockets filled in (cmake/fill_nginx.sh).
set(AUTHD_NGINX_FILES authd-http.conf authd-site.conf authd-site-tls.conf authd-metrics.conf
                      authd-validate-cache.conf)
set(AUTHD_NGINX_OUT)
foreach(f ${AUTHD_NGINX_FILES})
  add_custom_command(
    OUTPUT ${AUTHD_GENERATED}/nginx/${f}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${AUTHD_GENERATED}/nginx
    COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/fill_nginx.sh ${CMAKE_SOURCE_DIR}/nginx/${f}
            ${AUTHD_GENERATED}/nginx/${f}
    DEPENDS ${CMAKE_SOURCE_DIR}/nginx/${f} ${CMAKE_SOURCE_DIR}/cmake/fill_nginx.sh VERBATIM)
  list(APPEND AUTHD_NGINX_OUT ${AUTHD_GENERATED}/nginx/${f})
endforeach()
add_custom_target(authd_docs ALL DEPENDS ${AUTHD_GENERATED}/authd.conf
                                         ${AUTHD_GENERATED}/authd.conf.5 ${AUTHD_NGINX_OUT})

install(FILES ${AUTHD_GENERATED}/authd.conf
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/authd PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${AUTHD_NGINX_OUT} DESTINATION ${CMAKE_INSTALL_DATADIR}/authd/nginx)
file(GLOB AUTHD_NGINX_SNIPPETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/nginx/snippets/*.conf)
install(FILES ${AUTHD_NGINX_SNIPPETS} DESTINATION ${CMAKE_INSTALL_DATADIR}/authd/nginx/snippets)
# The portal's pages, which the sites' root names (nginx serves them).
file(GLOB AUTHD_WEB_PAGES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/*.html)
file(GLOB AUTHD_WEB_ASSETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/portal/*)
install(FILES ${AUTHD_WEB_PAGES} DESTINATION ${CMAKE_INSTALL_DATADIR}/authd/web)
install(FILES ${AUTHD_WEB_ASSETS} DESTINATION ${CMAKE_INSTALL_DATADIR}/authd/web/portal)

# The units name /usr/sbin/authd and /usr/bin/authctl: another prefix gets
# its own paths.
foreach(unit authd.service authd-purge.service authd-purge.timer)
  file(READ ${CMAKE_SOURCE_DIR}/systemd/${unit} text)
  string(REPLACE "/usr/sbin/authd" "${CMAKE_INSTALL_FULL_SBINDIR}/authd" text "${text}")
  string(REPLACE "/usr/bin/authctl" "${CMAKE_INSTALL_FULL_BINDIR}/authctl" text "${text}")
  file(CONFIGURE OUTPUT ${AUTHD_GENERATED}/systemd/${unit} CONTENT "${text}" @ONLY)
  install(FILES ${AUTHD_GENERATED}/systemd/${unit} DESTINATION ${AUTHD_SYSTEMD_UNIT_DIR})
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/systemd/authd.service ${CMAKE_SOURCE_DIR}/systemd/authd-purge.service
             ${CMAKE_SOURCE_DIR}/systemd/authd-purge.timer)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/authd.sysusers DESTINATION ${AUTHD_SYSUSERS_DIR}
        RENAME authd.conf)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/authd.tmpfiles DESTINATION ${AUTHD_TMPFILES_DIR}
        RENAME authd.conf)

install(FILES ${CMAKE_SOURCE_DIR}/man/authd.8 ${CMAKE_SOURCE_DIR}/man/authctl.8
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${AUTHD_GENERATED}/authd.conf.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- the Debian package ----------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME authd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})  # project() in CMakeLists.txt, as authd_build_info says
set(CPACK_PACKAGE_CONTACT "authd maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "authentication service for nginx (FastCGI, JWT, TOTP)")
set(CPACK_PACKAGE_DESCRIPTION
    "authd signs users in, issues JWT access and refresh tokens, and answers nginx's
auth_request for the apps behind it.  Postgres holds the accounts, memcached
the rate limits; authctl administers it.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser for the postinst's fallback when systemd-sysusers is missing.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx, postgresql, memcached, libnginx-mod-http-set-misc")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
include(CPack)
