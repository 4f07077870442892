// authctl/main.cpp
//
// The admin CLI: `authctl [--config FILE] COMMAND`, the commands in usage().
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>
#include <string_view>

#include "accounts/groups.h"
#include "accounts/user_store.h"
#include "audit/audit.h"
#include "authctl/key_commands.h"
#include "core/clock.h"
#include "core/config.h"
#include "db/connection.h"
#include "db/migrations.h"
#include "forms/email.h"
#include "housekeeping/purge.h"
#include "json/writer.h"
#include "keys/keyring.h"
#include "mfa/mfa_store.h"
#include "sessions/session_store.h"
#include "sessions/token.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/authd/authd.conf";

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: authctl [--config FILE] COMMAND\n"
                 "commands:\n"
                 "  migrate                 apply the schema migrations not yet applied\n"
                 "%s"
                 "  purge                   delete expired sessions, codes, challenges, lockout\n"
                 "                          rows, stale unverified accounts and old sent mail\n"
                 "                          (the mailer also does it every 5 minutes)\n"
                 "  mfa reset EMAIL         turn two-factor authentication off for a user who\n"
                 "                          lost the device (audited)\n"
                 "  groups add EMAIL GROUP  put a user into a group (audited); the user's\n"
                 "                          tokens carry it from the next login or refresh\n"
                 "  groups remove EMAIL GROUP\n"
                 "                          take a user out of a group (audited)\n"
                 "  groups list EMAIL       the user's groups, one per line\n"
                 "  token mint --email EMAIL [--count N]\n"
                 "                          sign N access tokens (one per line) for a user, in\n"
                 "                          a new session, without a login (audited)\n",
                 authd::authctl::keys_usage());
}

int migrate(const authd::Config& config) {
    // NB: no statement timeout: building an index on a large table may take
    // longer than any request should.
    authd::db::Connection conn(config.database, 0);
    auto applied = authd::db::apply_migrations(conn);
    if (!applied) {
        std::fprintf(stderr, "authctl: migrate: %s\n", applied.error().detail.c_str());
        return 1;
    }
    for (const auto& v : *applied) std::printf("applied %s\n", v.c_str());
    if (applied->empty()) std::printf("schema is up to date\n");
    return 0;
}

int purge(const authd::Config& config) {
    authd::db::Connection db(config.database);
    auto deleted = authd::housekeeping::purge_expired(db, config);
    if (!deleted) {
        std::fprintf(stderr, "authctl: purge: %s\n", deleted.error().detail.c_str());
        return 1;
    }
    std::printf("deleted %lld rows\n", static_cast<long long>(*deleted));
    return 0;
}

// The login name of whoever runs authctl, for the audit trail.
std::string operator_name() {
    const char* who = std::getenv("SUDO_USER") ? std::getenv("SUDO_USER") : std::getenv("USER");
    return who ? who : "unknown";
}

int mfa_reset(const authd::Config& config, const std::string& raw_email) {
    authd::db::Connection db(config.database);
    const std::string email = authd::forms::normalize_email(raw_email);
    auto user = authd::accounts::find_user_by_email(db, email);
    if (!user) {
        std::fprintf(stderr, "authctl: mfa reset: %s\n", user.error().detail.c_str());
        return 1;
    }
    if (!*user) {
        std::fprintf(stderr, "authctl: mfa reset: no account for %s\n", email.c_str());
        return 1;
    }
    auto tx = authd::db::Transaction::begin(db);
    authd::Result<void> done =
        tx ? authd::Result<void>()
           : authd::Result<void>(authd::Unexpected<authd::Error>{tx.error()});
    // The account's row first (the lock order of accounts/user_store.h).
    if (done) {
        auto locked = authd::accounts::lock_user(*tx, (*user)->id);
        if (!locked) done = authd::Unexpected<authd::Error>{locked.error()};
    }
    if (done) done = authd::mfa::disable_mfa(*tx, (*user)->id);
    if (done) {
        authd::json::Writer detail;
        detail.begin_object().key("operator").string(operator_name()).end_object();
        done = authd::audit::record(db, "mfa_reset_by_operator", (*user)->id, {"", "authctl", ""},
                                    std::move(detail).str());
    }
    if (done) done = tx->commit();
    if (!done) {
        std::fprintf(stderr, "authctl: mfa reset: %s\n", done.error().detail.c_str());
        return 1;
    }
    std::printf("two-factor authentication is off for %s\n", email.c_str());
    return 0;
}

// `authctl groups add|remove EMAIL GROUP`: one transaction holding the
// change and, when something changed, its audit event (group_added,
// group_removed; the group's name in the details).  Adding a group the user
// is in, or removing one the user is not in, changes nothing, is not
// audited, and succeeds.
int groups_change(const authd::Config& config, bool add, const std::string& raw_email,
                  const std::string& group) {
    const char* what = add ? "groups add" : "groups remove";
    if (!authd::accounts::valid_group_name(group)) {
        std::fprintf(stderr,
                     "authctl: %s: invalid group name \"%s\" (1-64 characters of A-Z a-z 0-9 _ . -,"
                     " the first a letter or digit)\n",
                     what, group.c_str());
        return 1;
    }
    authd::db::Connection db(config.database);
    const std::string email = authd::forms::normalize_email(raw_email);
    auto user = authd::accounts::find_user_by_email(db, email);
    if (!user) {
        std::fprintf(stderr, "authctl: %s: %s\n", what, user.error().detail.c_str());
        return 1;
    }
    if (!*user) {
        std::fprintf(stderr, "authctl: %s: no account for %s\n", what, email.c_str());
        return 1;
    }
    auto tx = authd::db::Transaction::begin(db);
    if (!tx) {
        std::fprintf(stderr, "authctl: %s: %s\n", what, tx.error().detail.c_str());
        return 1;
    }
    auto changed = add ? authd::accounts::add_to_group(db, (*user)->id, group)
                       : authd::accounts::remove_from_group(db, (*user)->id, group);
    authd::Result<void> done =
        changed ? authd::Result<void>()
                : authd::Result<void>(authd::Unexpected<authd::Error>{changed.error()});
    if (done && *changed) {
        authd::json::Writer detail;
        detail.begin_object()
            .key("group")
            .string(group)
            .key("operator")
            .string(operator_name())
            .end_object();
        done = authd::audit::record(db, add ? "group_added" : "group_removed", (*user)->id,
                                    {"", "authctl", ""}, std::move(detail).str());
    }
    if (done) done = tx->commit();
    if (!done) {
        std::fprintf(stderr, "authctl: %s: %s\n", what, done.error().detail.c_str());
        return 1;
    }
    if (add) {
        std::printf(*changed ? "added %s to %s\n" : "%s is already in %s\n", email.c_str(),
                    group.c_str());
    } else {
        std::printf(*changed ? "removed %s from %s\n" : "%s is not in %s\n", email.c_str(),
                    group.c_str());
    }
    return 0;
}

int groups_list(const authd::Config& config, const std::string& raw_email) {
    authd::db::Connection db(config.database);
    const std::string email = authd::forms::normalize_email(raw_email);
    auto user = authd::accounts::find_user_by_email(db, email);
    if (!user) {
        std::fprintf(stderr, "authctl: groups list: %s\n", user.error().detail.c_str());
        return 1;
    }
    if (!*user) {
        std::fprintf(stderr, "authctl: groups list: no account for %s\n", email.c_str());
        return 1;
    }
    auto groups = authd::accounts::groups_of(db, (*user)->id);
    if (!groups) {
        std::fprintf(stderr, "authctl: groups list: %s\n", groups.error().detail.c_str());
        return 1;
    }
    for (const auto& g : *groups) std::printf("%s\n", g.c_str());
    return 0;
}

int token_mint(const authd::Config& config, const std::string& raw_email, int count) {
    auto keys = authd::keys::Keyring::load_for(config);
    if (!keys) {
        std::fprintf(stderr, "authctl: token mint: %s\n", keys.error().detail.c_str());
        return 1;
    }
    authd::db::Connection db(config.database);
    const std::string email = authd::forms::normalize_email(raw_email);
    auto user = authd::accounts::find_user_by_email(db, email);
    if (!user || !*user) {
        std::fprintf(stderr, "authctl: token mint: no account for %s\n", email.c_str());
        return 1;
    }
    // The groups a login would put in the token now.
    auto groups = authd::accounts::groups_of(db, (*user)->id);
    if (!groups) {
        std::fprintf(stderr, "authctl: token mint: %s\n", groups.error().detail.c_str());
        return 1;
    }
    const authd::audit::Origin origin{"", "authctl", ""};
    auto tx = authd::db::Transaction::begin(db);
    if (!tx) {
        std::fprintf(stderr, "authctl: token mint: %s\n", tx.error().detail.c_str());
        return 1;
    }
    auto issued = authd::sessions::create_session(
        *tx, {(*user)->id, config.tokens.access_ttl, {"pwd"}, origin});
    authd::Result<void> done =
        issued ? authd::Result<void>()
               : authd::Result<void>(authd::Unexpected<authd::Error>{issued.error()});
    if (done) {
        authd::json::Writer detail;
        detail.begin_object()
            .key("count")
            .number(count)
            .key("session_id")
            .string(issued->session.id);
        detail.end_object();
        done =
            authd::audit::record(db, "tokens_minted", (*user)->id, origin, std::move(detail).str());
    }
    if (done) done = tx->commit();
    if (!done) {
        std::fprintf(stderr, "authctl: token mint: %s\n", done.error().detail.c_str());
        return 1;
    }
    const authd::accounts::User& u = **user;
    authd::sessions::TokenSubject subject{u.id,
                                          u.email,
                                          u.first_name,
                                          u.last_name,
                                          u.email_verified,
                                          issued->session.id,
                                          issued->session.amr,
                                          issued->session.auth_time};
    subject.groups = std::move(*groups);
    const int64_t now = authd::unix_now();
    for (int n = 0; n < count; ++n) {
        auto token = authd::sessions::mint_access_token(*keys, config.tokens, subject, now);
        if (!token) {
            std::fprintf(stderr, "authctl: token mint: %s\n", token.error().detail.c_str());
            return 1;
        }
        std::fwrite(token->data(), 1, token->size(), stdout);
        std::fputc('\n', stdout);
    }
    return 0;
}

int run(int argc, char** argv) {
    std::string config_path = kDefaultConfig;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (std::strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 64;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 64;
    }
    std::string command = argv[i];
    auto config = authd::load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "authctl: %s\n", config.error().detail.c_str());
        return 1;
    }
    if (command == "migrate") return migrate(*config);
    if (command == "purge") return purge(*config);
    if (command == "token" && i + 1 < argc && std::string(argv[i + 1]) == "mint") {
        std::string email;
        int count = 1;
        for (int k = i + 2; k + 1 < argc; k += 2) {
            if (std::string(argv[k]) == "--email") email = argv[k + 1];
            if (std::string(argv[k]) == "--count") {
                const std::string_view text = argv[k + 1];
                const auto [end, error] =
                    std::from_chars(text.data(), text.data() + text.size(), count);
                if (error != std::errc() || end != text.data() + text.size()) count = 0;
            }
        }
        if (email.empty() || count < 1 || count > 1000000) {
            usage(stderr);
            return 64;
        }
        return token_mint(*config, email, count);
    }
    if (command == "mfa" && i + 2 < argc && std::string(argv[i + 1]) == "reset") {
        return mfa_reset(*config, argv[i + 2]);
    }
    if (command == "groups" && i + 4 == argc &&
        (std::string(argv[i + 1]) == "add" || std::string(argv[i + 1]) == "remove")) {
        return groups_change(*config, std::string(argv[i + 1]) == "add", argv[i + 2], argv[i + 3]);
    }
    if (command == "groups" && i + 3 == argc && std::string(argv[i + 1]) == "list") {
        return groups_list(*config, argv[i + 2]);
    }
    if (command == "keys") {
        const int code = authd::authctl::run_keys_command(*config, argc, argv, i + 1);
        if (code == 64) usage(stderr);
        return code;
    }
    usage(stderr);
    return 64;
}

}  // namespace

// What escapes run() is std::bad_alloc or a bug: say so and exit 70
// (EX_SOFTWARE) rather than abort.
int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "authctl: %s\n", e.what());
        return 70;
    }
}
