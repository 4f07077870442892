// server/worker.cpp
//
// The accept loop.  Order matters:
//  1. poll() on the listening socket and the signalfd; a stop wins over a
//     waiting connection (another worker, or the next generation, takes it).
//  2. FCGX_Accept_r on the non-blocking socket: -EAGAIN means another worker
//     took the connection first; go back to poll.
//  3. Serve the request to the end, then FCGX_Finish_r, then loop.
// The handler's exceptions are caught here so nginx always gets an answer.
#include "server/worker.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

#include "core/log.h"
#include "server/fcgi_request.h"

namespace authd::server {
namespace {

int64_t monotonic_us() {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

http::Response handle_safely(RequestHandler& handler, const http::Request& request) {
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

}  // namespace

int block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2}) {
        sigaddset(&set, s);
    }
    sigprocmask(SIG_BLOCK, &set, nullptr);
    sigset_t stops;
    sigemptyset(&stops);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGQUIT}) sigaddset(&stops, s);
    return signalfd(-1, &stops, SFD_NONBLOCK | SFD_CLOEXEC);
}

bool stop_requested(int signal_fd) {
    signalfd_siginfo info;
    bool stop = false;
    while (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) stop = true;
    return stop;
}

int serve_fastcgi(int listen_fd, int signal_fd, RequestHandler& handler) {
    FcgiRequest fcgi(listen_fd);
    for (;;) {
        pollfd fds[2] = {{signal_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
        int n = poll(fds, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            log::error("worker_poll_failed").num("errno", errno);
            return 1;
        }
        if ((fds[0].revents & POLLIN) && stop_requested(signal_fd)) return 0;
        if (!(fds[1].revents & POLLIN)) continue;

        int rc = fcgi.accept();
        if (rc != 0) {
            if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR) {
                log::warn("fastcgi_accept_failed").num("errno", -rc);
            }
            continue;
        }
        int64_t started = monotonic_us();
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
}

}  // namespace authd::server
