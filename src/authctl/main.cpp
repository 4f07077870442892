// authctl/main.cpp
//
// The admin CLI: `authctl [--config FILE] migrate`.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "core/config.h"
#include "db/connection.h"
#include "db/migrations.h"
#include "forms/email.h"
#include "json/writer.h"
#include "keys/keyring.h"
#include "mfa/mfa_store.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/authd/authd.conf";

void usage(FILE* out) {
    std::fprintf(out,
                 "usage: authctl [--config FILE] COMMAND\n"
                 "commands:\n"
                 "  migrate                 apply the schema migrations not yet applied\n"
                 "  keys init [--add-missing]\n"
                 "                          create the key directory ([keys] dir): signing keys,\n"
                 "                          HMAC and AEAD keys; --add-missing only adds what is\n"
                 "                          not there yet (safe to run again)\n"
                 "  mfa reset EMAIL         turn two-factor authentication off for a user who\n"
                 "                          lost the device (audited)\n");
}

int migrate(const authd::Config& config) {
    authd::db::Connection conn(config.database);
    auto applied = authd::db::apply_migrations(conn);
    if (!applied) {
        std::fprintf(stderr, "authctl: migrate: %s\n", applied.error().detail.c_str());
        return 1;
    }
    for (const auto& v : *applied) std::printf("applied %s\n", v.c_str());
    if (applied->empty()) std::printf("schema is up to date\n");
    return 0;
}

int keys_init(const authd::Config& config, bool add_missing) {
    auto created = authd::keys::init_keys(config.keys.dir, add_missing);
    if (!created) {
        std::fprintf(stderr, "authctl: keys init: %s\n", created.error().detail.c_str());
        return 1;
    }
    for (const auto& path : *created) std::printf("created %s\n", path.c_str());
    if (created->empty()) std::printf("all keys present in %s\n", config.keys.dir.c_str());
    return 0;
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
    if (done) done = authd::mfa::disable_mfa(db, (*user)->id);
    if (done) {
        const char* who = std::getenv("SUDO_USER") ? std::getenv("SUDO_USER") : std::getenv("USER");
        authd::json::Writer detail;
        detail.begin_object().key("operator").string(who ? who : "unknown").end_object();
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

}  // namespace

int main(int argc, char** argv) {
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
    if (command == "mfa" && i + 2 < argc && std::string(argv[i + 1]) == "reset") {
        return mfa_reset(*config, argv[i + 2]);
    }
    if (command == "keys" && i + 1 < argc && std::string(argv[i + 1]) == "init") {
        bool add_missing = i + 2 < argc && std::string(argv[i + 2]) == "--add-missing";
        return keys_init(*config, add_missing);
    }
    usage(stderr);
    return 64;
}
