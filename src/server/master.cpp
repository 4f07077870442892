// server/master.cpp
//
// Signal handlers only set flags.  The master blocks every signal it
// handles and waits for them in sigsuspend(), which unblocks them
// atomically, so a signal that arrives between checking the flags and going
// to sleep is not lost (pause() would lose it).
//
// A reload is refused, and the old workers keep serving, unless the new
// file parses and validates (load_config) and the StartCheck says the
// workers could start with it (keys, files, mail settings: startup/check.h,
// passed in by main.cpp so that server/ does not depend on them).
//
// Each worker slot remembers its generation.  A reload bumps the
// generation: workers of older generations are told to stop and are not
// respawned when they exit; new ones fill the slots.  The listening sockets
// stay open across reloads, so connections queue in the kernel while the
// generations hand over and none is refused.  Because they stay open, a
// reload cannot move them: a changed api_socket or validate_socket (unix
// path or TCP address alike) is logged and takes effect on restart; and a
// reload that would leave a TCP socket with no [server] fastcgi_peers is
// refused like any bad configuration.
#include "server/master.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "core/clock.h"
#include "core/listen_address.h"
#include "core/log.h"
#include "core/unique_fd.h"
#include "metrics/shared_counters.h"
#include "server/listen_socket.h"
#include "server/notify.h"
#include "server/worker.h"

namespace authd::server {
namespace {

volatile sig_atomic_t g_child_exited = 0;
volatile sig_atomic_t g_reload = 0;
volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_alarm = 0;

// authd_worker_restarts_total counts the pools main.cpp runs; a pool of
// another name goes uncounted.
void count_restart(const std::string& pool) {
    if (pool == "api") metrics::count(metrics::Event::worker_restart_api);
    if (pool == "validate") metrics::count(metrics::Event::worker_restart_validate);
    if (pool == "mailer") metrics::count(metrics::Event::worker_restart_mailer);
}

void on_signal(int sig) {
    switch (sig) {
        case SIGCHLD:
            g_child_exited = 1;
            break;
        case SIGHUP:
            g_reload = 1;
            break;
        case SIGTERM:
        case SIGINT:
        case SIGQUIT:
            g_stop = 1;
            break;
        case SIGALRM:
            g_alarm = 1;
            break;
        default:
            break;
    }
}

constexpr int kHandled[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGALRM};

double now_seconds() { return static_cast<double>(monotonic_us()) / 1e6; }

void set_alarm(double seconds) {
    itimerval t{};
    if (seconds > 0) {
        if (seconds < 0.001) seconds = 0.001;
        t.it_value.tv_sec = static_cast<time_t>(seconds);
        t.it_value.tv_usec =
            static_cast<suseconds_t>((seconds - static_cast<double>(t.it_value.tv_sec)) * 1e6);
    }
    setitimer(ITIMER_REAL, &t, nullptr);
}

struct Slot {
    pid_t pid = 0;
    double started = 0;
    double respawn_at = 0;  // when pid == 0 and not given up: when to start
    int quick_deaths = 0;
    bool gave_up = false;  // exited kExitConfigError
};

struct Pool {
    PoolSpec spec;
    UniqueFd listen_fd;          // open across reloads; closed at shutdown
    std::string socket_setting;  // as configured when the socket was bound
    ListenAddress address;       // the same, parsed
    std::vector<Slot> slots;
};

struct Draining {
    pid_t pid;
    double deadline;
};

class Master {
public:
    Master(std::string config_path, Config config, std::vector<PoolSpec> specs,
           StartCheck can_start)
        : config_path_(std::move(config_path)),
          config_(std::move(config)),
          can_start_(std::move(can_start)) {
        for (auto& s : specs) pools_.push_back(Pool{std::move(s), UniqueFd(), {}, {}, {}});
    }

    int run();

private:
    bool open_sockets();
    void resize_pools();
    void spawn(Pool& pool, Slot& slot);
    void reap();
    void reload();
    void start_due(double now);
    void kill_overdue(double now);
    void arm_timer(double now);
    void shutdown();

    std::string config_path_;
    Config config_;
    StartCheck can_start_;
    std::vector<Pool> pools_;
    std::vector<Draining> draining_;
    sigset_t wait_mask_;
};

bool Master::open_sockets() {
    for (Pool& pool : pools_) {
        std::string setting = pool.spec.socket ? pool.spec.socket(config_) : std::string();
        if (setting.empty()) continue;
        auto address = parse_listen_address(setting);
        auto fd = address ? bind_listen_socket(*address, config_.server.socket_mode)
                          : Result<int>(fail(ErrorCode::invalid_input, address.error().detail));
        if (!fd) {
            log::error("bind_failed").str("pool", pool.spec.name).str("reason", fd.error().detail);
            return false;
        }
        pool.listen_fd = UniqueFd(*fd);
        pool.socket_setting = setting;
        pool.address = *address;
        log::info("listening").str("pool", pool.spec.name).str("socket", setting);
    }
    return true;
}

void Master::spawn(Pool& pool, Slot& slot) {
    pid_t pid = fork();
    if (pid < 0) {
        log::error("fork_failed").str("pool", pool.spec.name).num("errno", errno);
        slot.respawn_at = now_seconds() + 1;
        return;
    }
    if (pid == 0) {
        // Child: die with the master; default dispositions; stop signals
        // through a signalfd.
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        prctl(PR_SET_NAME, ("authd-" + pool.spec.name).c_str());
        struct sigaction sa {};
        sa.sa_handler = SIG_DFL;
        for (int s : kHandled) sigaction(s, &sa, nullptr);
        const UniqueFd signal_fd = block_stop_signals();
        sigset_t others;
        sigemptyset(&others);
        for (int s : {SIGCHLD, SIGALRM}) sigaddset(&others, s);
        sigprocmask(SIG_UNBLOCK, &others, nullptr);
        for (Pool& p : pools_) {
            if (&p != &pool) p.listen_fd.close();
        }
        int status = pool.spec.run(config_, pool.listen_fd.get(), signal_fd.get());
        _exit(status);
    }
    slot.pid = pid;
    slot.started = now_seconds();
    slot.respawn_at = 0;
    log::info("worker_started").str("pool", pool.spec.name).num("worker_pid", pid);
}

void Master::resize_pools() {
    for (Pool& pool : pools_) {
        size_t want = static_cast<size_t>(std::max(0, pool.spec.size(config_)));
        while (pool.slots.size() > want) {
            Slot& s = pool.slots.back();
            if (s.pid > 0) {
                kill(s.pid, SIGTERM);
                draining_.push_back({s.pid, now_seconds() + config_.server.shutdown_timeout});
            }
            pool.slots.pop_back();
        }
        pool.slots.resize(want);
        for (Slot& s : pool.slots) {
            if (s.pid == 0 && !s.gave_up) spawn(pool, s);
        }
    }
}

void Master::reap() {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        metrics::forget_process(pid);
        auto d = std::find_if(draining_.begin(), draining_.end(),
                              [pid](const Draining& x) { return x.pid == pid; });
        if (d != draining_.end()) {
            draining_.erase(d);
            continue;
        }
        for (Pool& pool : pools_) {
            for (Slot& slot : pool.slots) {
                if (slot.pid != pid) continue;
                slot.pid = 0;
                double now = now_seconds();
                log::Line line(log::Level::warn, "worker_exited");
                line.str("pool", pool.spec.name).num("worker_pid", pid);
                if (WIFEXITED(status)) line.num("exit_status", WEXITSTATUS(status));
                if (WIFSIGNALED(status)) line.num("signal", WTERMSIG(status));
                if (WIFEXITED(status) && WEXITSTATUS(status) == kExitConfigError) {
                    slot.gave_up = true;
                    line.str("reason", "configuration error; not respawning until reload");
                    continue;
                }
                // Back off while workers keep dying young, so a crash loop
                // does not spin the CPU; a worker that lived a while restarts
                // at once.
                slot.quick_deaths = now - slot.started < 2.0 ? slot.quick_deaths + 1 : 0;
                double delay = slot.quick_deaths == 0
                                   ? 0
                                   : std::min(10.0, 0.1 * (1 << std::min(slot.quick_deaths, 7)));
                slot.respawn_at = now + delay;
                line.num("respawn_delay_ms", static_cast<int64_t>(delay * 1000));
                count_restart(pool.spec.name);
            }
        }
    }
}

void Master::start_due(double now) {
    for (Pool& pool : pools_) {
        for (Slot& slot : pool.slots) {
            if (slot.pid == 0 && !slot.gave_up && slot.respawn_at <= now) spawn(pool, slot);
        }
    }
}

void Master::kill_overdue(double now) {
    for (const Draining& d : draining_) {
        if (d.deadline <= now) {
            log::warn("worker_killed").num("worker_pid", d.pid).str("reason", "shutdown_timeout");
            kill(d.pid, SIGKILL);
        }
    }
}

void Master::arm_timer(double now) {
    double next = 0;
    auto consider = [&](double t) {
        if (t > 0 && (next == 0 || t < next)) next = t;
    };
    for (const Pool& pool : pools_) {
        for (const Slot& slot : pool.slots) {
            if (slot.pid == 0 && !slot.gave_up) consider(slot.respawn_at);
        }
    }
    for (const Draining& d : draining_) consider(d.deadline);
    set_alarm(next == 0 ? 0 : std::max(0.001, next - now));
}

void Master::reload() {
    notify_systemd("RELOADING=1");
    auto fresh = load_config(config_path_);
    if (!fresh) {
        log::error("reload_failed").str("reason", fresh.error().detail);
        notify_systemd("READY=1");
        return;
    }
    // The sockets stay as bound, so the new peer list must cover them, not
    // the sockets the new file names.
    for (const Pool& pool : pools_) {
        if (pool.listen_fd && pool.address.tcp() && fresh->server.fastcgi_peers.empty()) {
            log::error("reload_failed")
                .str("reason", "[server] fastcgi_peers must not be empty while the " +
                                   pool.spec.name + " pool listens on TCP (" + pool.socket_setting +
                                   "; a socket change takes effect on restart)");
            notify_systemd("READY=1");
            return;
        }
    }
    // NB: before a single old worker is told to stop: a configuration the
    // new workers would refuse (exit kExitConfigError, not respawned) must
    // not cost the old ones.
    if (auto ok = can_start_(*fresh); !ok) {
        log::error("reload_failed").str("reason", ok.error().detail);
        notify_systemd("READY=1");
        return;
    }
    for (const Pool& pool : pools_) {
        std::string setting = pool.spec.socket ? pool.spec.socket(*fresh) : std::string();
        if (setting != pool.socket_setting) {
            log::warn("reload_socket_unchanged")
                .str("pool", pool.spec.name)
                .str("socket", pool.socket_setting)
                .str("reason", "a socket change takes effect on restart");
        }
    }
    config_ = std::move(*fresh);
    log::set_min_level(config_.server.log_level);
    // Socket paths are kept from the running configuration.
    double deadline = now_seconds() + config_.server.shutdown_timeout;
    for (Pool& pool : pools_) {
        for (Slot& slot : pool.slots) {
            if (slot.pid > 0) {
                kill(slot.pid, SIGTERM);
                draining_.push_back({slot.pid, deadline});
            }
        }
        pool.slots.clear();
    }
    resize_pools();
    log::info("reloaded").str("config", config_path_);
    notify_systemd("READY=1");
}

void Master::shutdown() {
    notify_systemd("STOPPING=1");
    log::info("stopping");
    double deadline = now_seconds() + config_.server.shutdown_timeout;
    for (Pool& pool : pools_) {
        pool.listen_fd.close();
        for (Slot& slot : pool.slots) {
            if (slot.pid > 0) {
                kill(slot.pid, SIGTERM);
                draining_.push_back({slot.pid, deadline});
            }
        }
        pool.slots.clear();
    }
    while (!draining_.empty()) {
        g_child_exited = 0;
        g_alarm = 0;
        reap();
        double now = now_seconds();
        kill_overdue(now);
        if (draining_.empty()) break;
        arm_timer(now);
        while (!g_child_exited && !g_alarm) sigsuspend(&wait_mask_);
    }
    for (const Pool& pool : pools_) {
        if (!pool.socket_setting.empty() && !pool.address.tcp()) unlink(pool.address.path.c_str());
    }
    log::info("stopped");
}

int Master::run() {
    sigset_t handled;
    sigemptyset(&handled);
    for (int s : kHandled) sigaddset(&handled, s);
    sigprocmask(SIG_BLOCK, &handled, &wait_mask_);
    for (int s : kHandled) sigdelset(&wait_mask_, s);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int s : kHandled) sigaction(s, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);

    if (!open_sockets()) return 1;
    resize_pools();
    notify_systemd("READY=1");
    log::info("ready")
        .num("api_workers", config_.server.api_workers)
        .num("validate_workers", config_.server.validate_workers);

    for (;;) {
        while (!g_child_exited && !g_reload && !g_stop && !g_alarm) sigsuspend(&wait_mask_);
        if (g_stop) {
            shutdown();
            return 0;
        }
        g_child_exited = 0;
        g_alarm = 0;
        reap();
        if (g_reload) {
            g_reload = 0;
            reload();
        }
        double now = now_seconds();
        start_due(now);
        kill_overdue(now);
        arm_timer(now);
    }
}

}  // namespace

int run_master(const std::string& config_path, Config config, std::vector<PoolSpec> pools,
               StartCheck can_start) {
    Master master(config_path, std::move(config), std::move(pools), std::move(can_start));
    return master.run();
}

}  // namespace authd::server
