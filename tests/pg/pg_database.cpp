// tests/pg/pg_database.cpp
#include "pg_database.h"

#include <stdlib.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>

#include "accounts/user_store.h"
#include "db/migrations.h"

namespace authd::pgtest {
namespace {

constexpr const char* kName = "authd_pg_tests";

std::map<std::string, std::string> stack_env() {
    std::map<std::string, std::string> out;
    const char* var = getenv("AUTHD_VAR");
    if (!var) return out;
    std::ifstream in(std::string(var) + "/stack.env");
    std::string word;
    while (in >> word) {
        const size_t eq = word.find('=');
        if (eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return out;
}

Config::Database as(const std::string& user, const std::string& dbname) {
    Config::Database d;
    auto env = stack_env();
    if (env.count("PGROOT") && env.count("PG_PORT")) {
        d.url = "host=" + env["PGROOT"] + "/sock port=" + env["PG_PORT"] + " dbname=" + dbname +
                " user=" + user;
    }
    d.connect_timeout = 5;
    return d;
}

}  // namespace

Config::Database database() { return as("authd", kName); }

void prepare_database() {
    static bool prepared = false;
    if (database().url.empty()) GTEST_SKIP() << "no stack: run through scripts/dev.sh test";
    if (prepared) return;
    db::Connection admin(as("postgres", "postgres"));
    ASSERT_TRUE(admin.exec_simple("DROP DATABASE IF EXISTS authd_pg_tests WITH (FORCE)"));
    ASSERT_TRUE(admin.exec_simple("CREATE DATABASE authd_pg_tests OWNER authd"));
    db::Connection conn(database());
    auto applied = db::apply_migrations(conn);
    ASSERT_TRUE(applied) << applied.error().detail;
    prepared = true;
}

std::string new_user(db::Connection& db) {
    static std::atomic<int> n{0};
    std::ostringstream email;
    email << "pg-" << getpid() << "-" << n++ << "@example.com";
    auto u = accounts::create_user(
        db, {email.str(), "$argon2id$v=19$m=19456,t=2,p=1$x$y", "Pg", "Test"});
    EXPECT_TRUE(u) << u.error().detail;
    EXPECT_TRUE(accounts::mark_email_verified(db, u->id));
    return u->id;
}

}  // namespace authd::pgtest
