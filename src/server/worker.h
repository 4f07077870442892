// server/worker.h
//
// The worker side of the process model.  A worker is single-threaded: it
// waits in epoll_wait() on the shared listening socket (EPOLLEXCLUSIVE) and
// a signalfd, accepts one FastCGI connection itself (checking a TCP peer),
// hands it to libfcgi, serves it completely, and only then looks at
// whether it was asked to stop.  Signals are blocked for its whole life, so
// libfcgi's reads never see EINTR and a stop or reload never cuts a request.
#pragma once

#include <memory>
#include <vector>

#include "core/config.h"
#include "core/ip_address.h"
#include "core/unique_fd.h"
#include "http/handler.h"

namespace authd::server {

// Exit status of a child that cannot run with this configuration: the
// master does not respawn it.
inline constexpr int kExitConfigError = 2;

// Blocks the stop signals and returns a signalfd that reports them; called
// first thing in every child.  Empty on failure.
UniqueFd block_stop_signals();

// True when `signal_fd` has a pending stop request (SIGTERM, SIGINT,
// SIGHUP or SIGQUIT); consumes it.
bool stop_requested(int signal_fd);

// Serves FastCGI requests on `listen_fd` until told to stop; on a TCP
// socket only peers in `peers` ([server] fastcgi_peers) are served.
// Returns the process exit status.
int serve_fastcgi(int listen_fd, int signal_fd, http::RequestHandler& handler,
                  const std::vector<IpRange>& peers);

}  // namespace authd::server
