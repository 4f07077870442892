// bench/bare_responder.cpp
//
// The floor of authd's validate design: a preforked libfcgi responder that
// answers every request with "Status: 204" without looking at it.  nginx
// reaches it exactly as it reaches authd's validate pool (one FastCGI
// connection per auth_request subrequest), so the distance between this and
// authd is what authd's own code costs.
//
//   bare_responder SOCKET_PATH [PROCESSES]
//
// Like authd's workers, each process has LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 in
// its environment before FCGX_Init (libfcgi otherwise waits up to 2 s for the
// peer on every close).  The master binds the socket, forks the workers and
// waits: SIGTERM or SIGINT stops them and removes the socket; a worker that
// dies makes the master stop the rest and exit 1, so a broken floor is never
// measured as a slow one.
#include <fcgiapp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr int kBacklog = 1024;
constexpr int kMaxProcesses = 64;

[[noreturn]] void serve(int listen_fd) {
    signal(SIGPIPE, SIG_IGN);
    FCGX_Init();
    // FCGX_Init installed its own SIGTERM handler (it found the default).
    // The responder holds no state, so a stop may end it mid-request.
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);

    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    while (FCGX_Accept_r(&request) == 0) {
        FCGX_PutS("Status: 204 No Content\r\n\r\n", request.out);
        FCGX_Finish_r(&request);
    }
    std::fprintf(stderr, "bare_responder: accept failed (errno %d)\n", errno);
    _exit(1);
}

void stop_workers(const std::vector<pid_t>& workers) {
    for (pid_t pid : workers) kill(pid, SIGTERM);
    for (pid_t pid : workers) waitpid(pid, nullptr, 0);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: bare_responder SOCKET_PATH [PROCESSES]\n");
        return 64;
    }
    const std::string path = argv[1];
    const int processes = argc == 3 ? std::atoi(argv[2]) : 1;
    if (processes < 1 || processes > kMaxProcesses) {
        std::fprintf(stderr, "bare_responder: PROCESSES must be 1..%d\n", kMaxProcesses);
        return 64;
    }
    setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 1);

    // Blocked before the fork so that none arrives unseen; the workers
    // unblock them, the master takes them with sigwait.
    sigset_t watched;
    sigemptyset(&watched);
    for (int s : {SIGTERM, SIGINT, SIGCHLD}) sigaddset(&watched, s);
    sigprocmask(SIG_BLOCK, &watched, nullptr);

    unlink(path.c_str());
    int listen_fd = FCGX_OpenSocket(path.c_str(), kBacklog);
    if (listen_fd < 0) {
        std::fprintf(stderr, "bare_responder: cannot listen on %s\n", path.c_str());
        return 1;
    }

    std::vector<pid_t> workers;
    for (int i = 0; i < processes; ++i) {
        pid_t pid = fork();
        if (pid == 0) serve(listen_fd);
        if (pid < 0) {
            std::perror("bare_responder: fork");
            stop_workers(workers);
            unlink(path.c_str());
            return 1;
        }
        workers.push_back(pid);
    }

    int sig = 0;
    sigwait(&watched, &sig);
    if (sig == SIGCHLD) std::fprintf(stderr, "bare_responder: a worker died\n");
    stop_workers(workers);
    unlink(path.c_str());
    return sig == SIGCHLD ? 1 : 0;
}
