// authctl/main.cpp
//
// The admin CLI: `authctl [--config FILE] [--json] COMMAND ...`, the
// commands in usage().  This file parses the global options, loads the
// configuration and dispatches to the command group's file (cli.h).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "authctl/cli.h"
#include "authctl/key_commands.h"

namespace {

using namespace authd::authctl;

constexpr const char* kDefaultConfig = "/etc/authd/authd.conf";

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: authctl [--config FILE] [--json] COMMAND\n"
                 "commands:\n"
                 "  migrate                 apply the schema migrations not yet applied\n"
                 "%s"
                 "  purge                   delete expired sessions, codes, challenges, lockout\n"
                 "                          rows, stale unverified accounts and old sent mail\n"
                 "                          (the mailer also does it every 5 minutes)\n"
                 "  config check            what authd --check-config does\n"
                 "  user add EMAIL [--name \"First Last\"] [--verified]\n"
                 "           [--password-stdin | --reset-required]\n"
                 "                          create an account; without --password-stdin it has\n"
                 "                          no usable password (the user uses forgot-password);\n"
                 "                          --reset-required mails a reset code at once\n"
                 "  user list [--query Q] [--limit N]\n"
                 "  user show EMAIL         verified, disabled, 2FA, lock, live sessions, created\n"
                 "  user delete EMAIL       revoke every session and delete the account\n"
                 "  user verify EMAIL       mark the email address verified\n"
                 "  user unlock EMAIL       lift a lockout after failed logins\n"
                 "  user disable EMAIL      refuse every sign-in and refresh, revoke every\n"
                 "                          session, end pending 2FA challenges\n"
                 "  user enable EMAIL       undo a disable\n"
                 "  import cognito FILE     create the users of `aws cognito-idp list-users`\n"
                 "                          output (JSON), keeping each sub as the user id; each\n"
                 "                          must set a password with forgot-password; users\n"
                 "                          already present are skipped\n"
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
                 "  outbox list [--failed] [--limit N]\n"
                 "                          queued mail: id, recipient, template, state,\n"
                 "                          attempts, created, last error (never a body)\n"
                 "  outbox retry ID|--all-failed\n"
                 "                          make failed (retrying) mail due now\n"
                 "  audit tail [--user EMAIL] [--event E] [--since DURATION] [-n N] [-f]\n"
                 "                          the newest audit rows (20), oldest first; -f\n"
                 "                          follows until SIGINT/SIGTERM; DURATION: 10m, 2h, 7d\n"
                 "Every change is audited with the operator ($SUDO_USER, else $USER).\n"
                 "--json prints one JSON value. Exit status: 0 done, 1 refused, 64 usage,\n"
                 "69 database unavailable.\n",
                 authd::authctl::keys_usage());
}

// The keys commands parse their own words (authctl/key_commands.h): they
// get them back as an argument vector, --json included when it was given.
int run_keys(const Invocation& call) {
    std::vector<std::string> words{"authctl", "keys"};
    words.insert(words.end(), call.args.begin(), call.args.end());
    if (call.json) words.emplace_back("--json");
    std::vector<char*> argv;
    argv.reserve(words.size());
    for (std::string& word : words) argv.push_back(word.data());
    const int code = authd::authctl::run_keys_command(call.config, static_cast<int>(argv.size()),
                                                      argv.data(), 2);
    if (code == kExitUsage) {
        std::fprintf(stderr, "authctl: keys: usage:\n%s", authd::authctl::keys_usage());
    }
    return code;
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
    if (group == "keys") handler = run_keys;
    if (group == "mfa") handler = run_mfa;
    if (group == "groups") handler = run_groups;
    if (group == "token") handler = run_token;
    if (group == "user") handler = run_user;
    if (group == "sessions") handler = run_sessions;
    if (group == "outbox") handler = run_outbox;
    if (group == "audit") handler = run_audit;
    if (group == "import") handler = run_import;
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
