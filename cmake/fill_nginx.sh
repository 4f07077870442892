#!/bin/sh
# cmake/fill_nginx.sh IN OUT: an nginx file of nginx/ with the packaged
# paths filled in (cmake/install.cmake).  Comment lines keep their list of
# placeholders; the TLS site's @SERVER_NAME@, @TLS_CERT@ and @TLS_KEY@ stay
# for the operator.  The plain site listens where the default [tokens]
# issuer says, 127.0.0.1:8080; the metrics listener on 127.0.0.1:9464 (the
# README's); the portal's pages are in /usr/share/authd/web; the
# validator's micro-cache on tmpfs in /run/nginx-authd-validate (nginx
# creates it at start).
set -e
sed -e '/^[^#]/s|@API_SOCKET@|/run/authd/api.sock|g' \
    -e '/^[^#]/s|@VALIDATE_SOCKET@|/run/authd/validate.sock|g' \
    -e '/^[^#]/s|@RUN@|/run/authd|g' \
    -e '/^[^#]/s|@LISTEN@|127.0.0.1:8080|g' \
    -e '/^[^#]/s|@METRICS_LISTEN@|127.0.0.1:9464|g' \
    -e '/^[^#]/s|@VALIDATE_CACHE@|/run/nginx-authd-validate|g' \
    -e '/^[^#]/s|@WEB_ROOT@|/usr/share/authd/web|g' "$1" > "$2"
