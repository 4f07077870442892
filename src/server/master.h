// server/master.h
//
// The master process: binds the listening sockets, forks the pools of
// workers and supervises them.  It holds no database, cache or SMTP handle.
//
//  - A dead worker is respawned, after a backoff that grows while workers
//    keep dying young; a worker that exits kExitConfigError is not.
//  - SIGHUP: load and validate the configuration file again, then ask the
//    StartCheck whether the workers could start with it.  On failure the
//    old workers keep serving and the log says why.  On success a new
//    generation of workers starts on the same sockets and the old one is
//    asked to finish its requests and exit.
//  - SIGTERM/SIGINT: stop accepting, let workers finish, exit.
//  - READY=1 / RELOADING=1 / STOPPING=1 go to systemd's notify socket.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace authd::server {

struct PoolSpec {
    std::string name;                                  // "api", "validate", "mailer"
    std::function<int(const Config&)> size;            // workers wanted
    std::function<std::string(const Config&)> socket;  // empty: no listening socket
    // The child's main: runs until stopped, returns the exit status.
    // `signal_fd` reports stop signals (see block_stop_signals()).
    std::function<int(const Config&, int listen_fd, int signal_fd)> run;
};

// Whether the children could start with a configuration (the keys, files
// and settings they would exit kExitConfigError without).  The master knows
// nothing of those: the caller passes the check (startup/check.h).  Its
// error's detail is the reason the log gives for a refused reload.
using StartCheck = std::function<Result<void>(const Config&)>;

// Runs until stopped; returns the process exit status.  `config` has passed
// `can_start` already; every reloaded configuration must pass it too.
int run_master(const std::string& config_path, Config config, std::vector<PoolSpec> pools,
               StartCheck can_start);

}  // namespace authd::server
