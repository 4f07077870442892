// main.cpp
//
// authd: parse the command line, load the configuration, check that it can
// start (startup/check.h), run the master.
#include <fcgiapp.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "api/app.h"
#include "core/config.h"
#include "core/config_docs.h"
#include "core/log.h"
#include "housekeeping/purge.h"
#include "mail/mailer.h"
#include "metrics/shared_counters.h"
#include "ratelimit/shared_table.h"
#include "server/master.h"
#include "server/worker.h"
#include "startup/check.h"
#include "startup/schema.h"
#include "validate/validator.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/authd/authd.conf";

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: authd [--config FILE] [--check-config]\n"
                 "  --config FILE    configuration file (default %s)\n"
                 "  --check-config   print the effective configuration, secrets masked,\n"
                 "                   and exit non-zero if it is invalid\n"
                 "  --config-reference  print every option as a Markdown table row\n"
                 "  -h, --help       this text\n",
                 kDefaultConfig);
}

// The child main of the API pool.
int run_fastcgi_pool(const authd::Config& config, int listen_fd, int signal_fd,
                     authd::ratelimit::SharedTable* shared_limits) {
    authd::log::set_min_level(config.server.log_level);
    signal(SIGPIPE, SIG_IGN);
    FCGX_Init();
    auto services = authd::api::Services::create(config, shared_limits);
    if (!services) {
        authd::log::error("worker_config_error").str("reason", services.error().detail);
        return authd::server::kExitConfigError;
    }
    authd::api::App app(std::move(*services));
    return authd::server::serve_fastcgi(listen_fd, signal_fd, app, config.server.fastcgi_peers);
}

// The child main of the validate pool: nginx's auth_request target.
int run_validate_pool(const authd::Config& config, int listen_fd, int signal_fd) {
    authd::log::set_min_level(config.server.log_level);
    signal(SIGPIPE, SIG_IGN);
    FCGX_Init();
    auto validator = authd::validate::Validator::create(config);
    if (!validator) {
        authd::log::error("worker_config_error").str("reason", validator.error().detail);
        return authd::server::kExitConfigError;
    }
    return authd::server::serve_fastcgi(listen_fd, signal_fd, **validator,
                                        config.server.fastcgi_peers);
}

// The child main of the mailer, which also runs the host's purge of
// expired rows.
int run_mailer_process(const authd::Config& config, int, int signal_fd) {
    authd::log::set_min_level(config.server.log_level);
    const authd::mail::MailerHost host{
        .wake_fd = signal_fd,
        .stop_requested = [signal_fd] { return authd::server::stop_requested(signal_fd); },
        .purge =
            [&config](authd::db::Connection& db) {
                return authd::housekeeping::purge_expired(db, config);
            },
    };
    auto ran = authd::mail::run_mailer(config, host);
    if (ran) return 0;
    return ran.error().code == authd::ErrorCode::invalid_input ? authd::server::kExitConfigError
                                                               : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path = kDefaultConfig;
    bool check_only = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (std::strcmp(argv[i], "--check-config") == 0) {
            check_only = true;
        } else if (std::strcmp(argv[i], "--config-reference") == 0) {
            std::fputs(authd::config_reference().c_str(), stdout);
            return 0;
        } else if (std::strcmp(argv[i], "--config-template") == 0) {
            // Not in usage(): the build writes the packaged authd.conf and
            // authd.conf(5) with these (core/config_docs.h).
            std::fputs(authd::config_template().c_str(), stdout);
            return 0;
        } else if (std::strcmp(argv[i], "--config-man") == 0) {
            std::fputs(authd::config_man_options().c_str(), stdout);
            return 0;
        } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 64;
        }
    }

    auto config = authd::load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "authd: %s\n", config.error().detail.c_str());
        return 1;
    }
    // Refuse to start with what the workers would refuse: no key material
    // (never made silently), an unreadable banned list, unusable mail
    // settings.  Reloads ask the same (run_master's StartCheck).
    if (auto ok = authd::startup::check_can_start(*config); !ok) {
        std::fprintf(stderr, "authd: %s\n", ok.error().detail.c_str());
        return 1;
    }
    // The schema must be this binary's (migrate before upgrading a host);
    // without Postgres there is nothing to compare, and authd starts anyway.
    auto missing = authd::startup::missing_migrations(*config);
    if (missing && !missing->empty()) {
        std::fprintf(stderr, "authd: %s\n", authd::startup::describe_missing(*missing).c_str());
        return 1;
    }
    if (check_only) {
        if (!missing) {
            std::fprintf(stderr, "authd: warning: the schema was not checked: %s\n",
                         missing.error().detail.c_str());
        }
        std::fputs(authd::describe_config(*config).c_str(), stdout);
        return 0;
    }
    authd::log::set_min_level(config->server.log_level);
    if (!missing) {
        authd::log::warn("schema_unchecked").str("reason", missing.error().detail);
    }
    // Workers hold passwords, tokens and keys in memory: no core dumps
    // (systemd's LimitCORE=0 says the same; this covers other launchers).
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    // libfcgi otherwise drains every connection on close with polls of up
    // to 2 s; must be in the environment before FCGX_Init in the workers.
    setenv("LIBFCGI_OS_CLOSE_POLL_TIMEOUT", "0", 1);

    // Mapped before the workers are forked so that all of them share it;
    // its size is fixed for the life of the master.
    auto shared_limits =
        authd::ratelimit::SharedTable::create(static_cast<size_t>(config->limits.shared_slots));
    if (!shared_limits) {
        std::fprintf(stderr, "authd: %s\n", shared_limits.error().detail.c_str());
        return 1;
    }
    // Likewise the metrics table, which the master keeps across reloads.
    if (auto mapped = authd::metrics::map_shared_table(); !mapped) {
        std::fprintf(stderr, "authd: %s\n", mapped.error().detail.c_str());
        return 1;
    }
    auto serve = [table = shared_limits->get()](const authd::Config& c, int fd, int signal_fd) {
        return run_fastcgi_pool(c, fd, signal_fd, table);
    };
    std::vector<authd::server::PoolSpec> pools;
    pools.push_back({"api", [](const authd::Config& c) { return c.server.api_workers; },
                     [](const authd::Config& c) { return c.server.api_socket; }, serve});
    pools.push_back({"validate", [](const authd::Config& c) { return c.server.validate_workers; },
                     [](const authd::Config& c) { return c.server.validate_socket; },
                     run_validate_pool});
    pools.push_back({"mailer", [](const authd::Config&) { return 1; },
                     [](const authd::Config&) { return std::string(); }, run_mailer_process});
    return authd::server::run_master(config_path, std::move(*config), std::move(pools),
                                     authd::startup::check_can_start);
}
