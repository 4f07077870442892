// server/worker.cpp
//
// The accept loop.  Order matters:
//  1. epoll_wait on the listening socket and the signalfd; a stop ends the
//     loop after the one connection the same wakeup brought, if any.  The
//     listening socket is registered EPOLLEXCLUSIVE: a new
//     connection wakes one idle worker of the pool, not all of them (with
//     poll() every idle worker woke, raced for the accept and all but one
//     went back to sleep: a third of the validate pool's CPU per request).
//  2. accept on the non-blocking socket (accept_connection): nothing means
//     another worker took the connection first, or a TCP peer was not on
//     [server] fastcgi_peers and was closed unread; go back to epoll_wait.
//  3. Hand the connection to libfcgi (FcgiRequest::accept), serve the
//     request to the end, then FCGX_Finish_r, then loop.
// The handler's exceptions are caught here so nginx always gets an answer.
//
// Memory: an api worker that verified a password holds Argon2id's buffer
// ([passwords] argon2_memory_kib, 19 MiB by default) in its heap after the
// request, because glibc raises its mmap threshold past the size of a
// block it has freed; four api workers would keep 80 MB resident for
// good.  Handing the buffer back after every hash costs a third of the
// hash rate (page faults), so a worker that served a request and then sat
// idle for kIdleTrimMs returns its free heap to the kernel (malloc_trim)
// instead: under load nothing changes, at rest the pools shrink back.
#include "server/worker.h"

#include <malloc.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

#include "core/clock.h"
#include "core/log.h"
#include "core/unique_fd.h"
#include "server/fcgi_request.h"
#include "server/listen_socket.h"

namespace authd::server {
namespace {

constexpr int kIdleTrimMs = 1000;

http::Response handle_safely(http::RequestHandler& handler, const http::Request& request) {
    try {
        return handler.handle(request);
    } catch (const std::exception& e) {
        return http::from_error({ErrorCode::internal, std::string("exception: ") + e.what()},
                                request.request_id);
    } catch (...) {
        return http::from_error({ErrorCode::internal, "unknown exception"}, request.request_id);
    }
}

void log_request(const http::Request& req, const http::Response& resp, int64_t started_us) {
    int64_t duration = monotonic_us() - started_us;
    log::Level level = resp.status >= 500 ? log::Level::error
                       : resp.routine     ? log::Level::debug
                                          : log::Level::info;
    log::Line line(level, "request");
    line.str("method", req.method_text)
        .str("path", req.path)
        .num("status", resp.status)
        .num("duration_us", duration);
    if (!resp.log_reason.empty()) line.str("reason", resp.log_reason);
}

// Accepts one connection and serves it, unless another worker took it or
// its peer may not connect.
void serve_next(int listen_fd, const std::vector<IpRange>& peers, FcgiRequest& fcgi,
                http::RequestHandler& handler) {
    UniqueFd connection = accept_connection(listen_fd, peers);
    if (!connection) return;
    const int rc = fcgi.accept(std::move(connection));
    if (rc != 0) {
        log::debug("fastcgi_no_request").num("errno", -rc);
        return;
    }
    const int64_t started = monotonic_us();
    http::Request request = fcgi.read();
    log::set_request_id(request.request_id);
    http::Response response = handle_safely(handler, request);
    fcgi.write(response, request.method == http::Method::head);
    fcgi.finish();
    log_request(request, response, started);
    if (response.after_response) {
        try {
            response.after_response();
        } catch (const std::exception& e) {
            log::error("deferred_work_failed").str("reason", e.what());
        }
    }
    log::set_request_id({});
}

}  // namespace

UniqueFd block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2}) {
        sigaddset(&set, s);
    }
    sigprocmask(SIG_BLOCK, &set, nullptr);
    sigset_t stops;
    sigemptyset(&stops);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaddset(&stops, s);
    return UniqueFd(signalfd(-1, &stops, SFD_NONBLOCK | SFD_CLOEXEC));
}

bool stop_requested(int signal_fd) {
    signalfd_siginfo info;
    bool stop = false;
    while (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) stop = true;
    return stop;
}

int serve_fastcgi(int listen_fd, int signal_fd, http::RequestHandler& handler,
                  const std::vector<IpRange>& peers) {
    const UniqueFd epoll(epoll_create1(EPOLL_CLOEXEC));
    epoll_event on_signal{};
    on_signal.events = EPOLLIN;
    on_signal.data.fd = signal_fd;
    epoll_event on_connection{};
    on_connection.events = EPOLLIN | EPOLLEXCLUSIVE;
    on_connection.data.fd = listen_fd;
    if (!epoll || epoll_ctl(epoll.get(), EPOLL_CTL_ADD, signal_fd, &on_signal) != 0 ||
        epoll_ctl(epoll.get(), EPOLL_CTL_ADD, listen_fd, &on_connection) != 0) {
        log::error("worker_epoll_failed").num("errno", errno);
        return 1;
    }
    FcgiRequest fcgi;
    bool trimmed = true;  // nothing served since the last trim
    for (;;) {
        epoll_event ready[2];
        const int n = epoll_wait(epoll.get(), ready, 2, trimmed ? -1 : kIdleTrimMs);
        if (n < 0) {
            if (errno == EINTR) continue;
            log::error("worker_poll_failed").num("errno", errno);
            return 1;
        }
        if (n == 0) {
            malloc_trim(0);
            trimmed = true;
            continue;
        }
        bool stop = false;
        bool connection = false;
        for (int i = 0; i < n; ++i) {
            if (ready[i].data.fd == signal_fd) stop = stop_requested(signal_fd);
            if (ready[i].data.fd == listen_fd) connection = true;
        }
        // NB: a stop does not abandon the connection this worker was woken
        // for: EPOLLEXCLUSIVE woke it alone, and the others would not look
        // before the next connection arrived.
        if (connection) {
            serve_next(listen_fd, peers, fcgi, handler);
            trimmed = false;
        }
        if (stop) return 0;
    }
}

}  // namespace authd::server
