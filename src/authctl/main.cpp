// authctl/main.cpp
//
// The admin CLI: `authctl [--config FILE] [--json] COMMAND ...`, the
// commands in usage().  This file parses the global options, loads the
// configuration and dispatches to the command group's file (cli.h); `keys
// init` stays here until the keys commands have a file of their own.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "authctl/cli.h"
#include "keys/keyring.h"

namespace {

using namespace authd::authctl;

constexpr const char* kDefaultConfig = "/etc/authd/authd.conf";

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: authctl [--config FILE] [--json] COMMAND\n"
                 "commands:\n"
                 "  migrate                 apply the schema migrations not yet applied\n"
                 "  keys init [--add-missing]\n"
                 "                          create the key directory ([keys] dir): a signing key\n"
                 "                          of [tokens] algorithm, HMAC and AEAD keys;\n"
                 "                          --add-missing only adds what is not there yet (safe\n"
                 "                          to run again)\n"
                 "  purge                   delete expired sessions, codes, challenges, lockout\n"
                 "                          rows, stale unverified accounts and old sent mail\n"
                 "                          (the mailer also does it every 5 minutes)\n"
                 "  config check            what authd --check-config does\n"
                 "  user add EMAIL [--name \"First Last\"] [--verified] [--password-stdin]\n"
                 "                          create an account; without --password-stdin it has\n"
                 "                          no usable password (the user uses forgot-password)\n"
                 "  user list [--query Q] [--limit N]\n"
                 "  user show EMAIL         verified, 2FA, lock, live sessions, created\n"
                 "  user delete EMAIL       revoke every session and delete the account\n"
                 "  user verify EMAIL       mark the email address verified\n"
                 "  user unlock EMAIL       lift a lockout after failed logins\n"
                 "  sessions list EMAIL     the user's live sessions\n"
                 "  sessions revoke EMAIL [--session ID]\n"
                 "                          end one or every session, as a logout does\n"
                 "  mfa reset EMAIL         turn two-factor authentication off for a user who\n"
                 "                          lost the device\n"
                 "  groups add EMAIL GROUP  put a user into a group; the user's tokens carry\n"
                 "                          it from the next login or refresh\n"
                 "  groups remove EMAIL GROUP\n"
                 "                          take a user out of a group\n"
                 "  groups list EMAIL       the user's groups, one per line\n"
                 "  token mint --email EMAIL [--count N]\n"
                 "                          sign N access tokens (one per line) for a user, in\n"
                 "                          a new session, without a login\n"
                 "Every change is audited with the operator ($SUDO_USER, else $USER).\n"
                 "--json prints one JSON value. Exit status: 0 done, 1 refused, 64 usage,\n"
                 "69 database unavailable.\n");
}

int keys_init(const Invocation& call) {
    const bool add_missing = call.args.size() == 2 && call.args[1] == "--add-missing";
    if (call.args.empty() || call.args[0] != "init" || (call.args.size() > 1 && !add_missing)) {
        return fail("keys", "usage: authctl keys init [--add-missing]", kExitUsage);
    }
    const authd::Config& config = call.config;
    auto created = authd::keys::init_keys(config.keys.dir, config.tokens.alg, add_missing);
    if (!created) return fail("keys init", created.error());
    for (const auto& path : *created) std::printf("created %s\n", path.c_str());
    if (created->empty()) std::printf("all keys present in %s\n", config.keys.dir.c_str());
    return kExitOk;
}

int run(int argc, char** argv) {
    std::string config_path = kDefaultConfig;
    bool json = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (std::strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (std::strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return kExitOk;
        } else {
            usage(stderr);
            return kExitUsage;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return kExitUsage;
    }
    const std::string group = argv[i];
    std::vector<std::string> args;
    for (int k = i + 1; k < argc; ++k) {
        if (std::strcmp(argv[k], "--json") == 0) {
            json = true;
        } else {
            args.emplace_back(argv[k]);
        }
    }
    using Handler = int (*)(const Invocation&);
    Handler handler = nullptr;
    if (group == "migrate" || group == "purge") handler = run_maintenance;
    if (group == "config") handler = run_config;
    if (group == "keys") handler = keys_init;
    if (group == "mfa") handler = run_mfa;
    if (group == "groups") handler = run_groups;
    if (group == "token") handler = run_token;
    if (group == "user") handler = run_user;
    if (group == "sessions") handler = run_sessions;
    if (!handler) {
        usage(stderr);
        return kExitUsage;
    }
    auto config = authd::load_config(config_path);
    if (!config) return fail("config", config.error().detail);
    return handler(Invocation{*config, group, std::move(args), json});
}

}  // namespace

// What escapes run() is std::bad_alloc or a bug: say so and exit 70
// (EX_SOFTWARE) rather than abort.
int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "authctl: %s\n", e.what());
        return kExitSoftware;
    }
}
