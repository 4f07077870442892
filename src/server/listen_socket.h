// server/listen_socket.h
//
// The FastCGI listening sockets: a unix socket or TCP
// (core/listen_address.h).  The master binds them once and every worker
// inherits them; they are non-blocking, so a worker that loses the race for
// a connection gets EAGAIN instead of sleeping in accept().  Workers accept
// here, not in libfcgi, so that a TCP peer is checked against
// [server] fastcgi_peers before a byte of its request is read.
#pragma once

#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/listen_address.h"
#include "core/result.h"
#include "core/unique_fd.h"

namespace authd::server {

// Binds a unix stream socket at `path` (replacing a stale socket file, never
// another kind of file), sets `mode` and listens.  Returns the fd.
Result<int> bind_unix_socket(const std::string& path, int mode);

// Binds a TCP socket to `host`:`port` with SO_REUSEADDR and listens.
// Returns the fd.
Result<int> bind_tcp_socket(const IpAddress& host, uint16_t port);

// Either of the above; `mode` applies to a unix socket only.
Result<int> bind_listen_socket(const ListenAddress& address, int mode);

// Accepts one connection on `listen_fd` and returns it (blocking, for
// libfcgi), or an empty UniqueFd when there is none to serve:
//  - another worker took it (EAGAIN), or accept failed (logged at warn
//    unless the peer merely gave up);
//  - a TCP peer that `peers` does not contain: closed at once, unread, and
//    logged at warn as fastcgi_peer_refused;
//  - the peer sent nothing within 2 s (libfcgi's own rule for unix
//    sockets, kept now that authd accepts, and applied to TCP as well).
// Unix peers are not checked against `peers`.
UniqueFd accept_connection(int listen_fd, const std::vector<IpRange>& peers);

}  // namespace authd::server
