// server/listen_socket.h
//
// The FastCGI listening sockets.  The master binds them once and every
// worker inherits them; they are non-blocking, so a worker that loses the
// race for a connection gets EAGAIN instead of sleeping in accept().
#pragma once

#include <string>

#include "core/result.h"

namespace authd::server {

// Binds a unix stream socket at `path` (replacing a stale socket file, never
// another kind of file), sets `mode` and listens.  Returns the fd.
Result<int> bind_unix_socket(const std::string& path, int mode);

}  // namespace authd::server
