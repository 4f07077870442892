// authctl/user_commands.cpp
//
// `authctl user add|list|show|delete|verify|unlock`: accounts for an
// operator, through the same stores the API uses, so an account made or
// changed here is exactly one the API could have made.  Every change is one
// transaction with its audit row naming the operator.
#include <charconv>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <optional>

#include "accounts/lockout.h"
#include "authctl/cli.h"
#include "core/clock.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "forms/banned_passwords.h"
#include "forms/email.h"
#include "forms/password_policy.h"
#include "json/writer.h"
#include "keys/keyring.h"
#include "sessions/session_store.h"

namespace authd::authctl {
namespace {

constexpr const char* kUsage =
    "usage: authctl user add EMAIL [--name \"First Last\"] [--verified] [--password-stdin] | list "
    "[--query Q] [--limit N] | show|delete|verify|unlock EMAIL";

crypto::Argon2Params argon2_of(const Config& c) {
    crypto::Argon2Params p;
    p.memory_kib = static_cast<uint32_t>(c.passwords.argon2_memory_kib);
    p.iterations = static_cast<uint32_t>(c.passwords.argon2_iterations);
    p.parallelism = static_cast<uint32_t>(c.passwords.argon2_parallelism);
    return p;
}

// The registration policy's verdict on `password`, as api::Services builds it.
Result<std::optional<std::string>> password_verdict(const Config& c, std::string_view password,
                                                    std::string_view email, std::string_view first,
                                                    std::string_view last) {
    forms::PasswordPolicy policy = forms::password_policy_of(c.passwords);
    std::optional<forms::BannedPasswords> banned;
    if (!c.passwords.banned_file.empty()) {
        auto loaded = forms::BannedPasswords::load(c.passwords.banned_file);
        if (!loaded) return Unexpected{loaded.error()};
        banned = std::move(*loaded);
        policy.banned = &*banned;
    }
    return forms::password_problem(policy, password, email, first, last);
}

// The lockout row's subject for an account, as the login computes it.
Result<std::string> lockout_subject_of(const Config& config, const std::string& email) {
    auto keys = keys::Keyring::load_for(config);
    if (!keys) return Unexpected{keys.error()};
    return accounts::lockout_subject(keys->hmac_key(), email);
}

int user_add(const Invocation& call) {
    constexpr const char* what = "user add";
    const auto& a = call.args;
    const std::string email = forms::normalize_email(a[1]);
    if (auto problem = forms::email_problem(email)) return fail(what, *problem, kExitUsage);
    const std::string name = flag_value(a, "--name");
    const size_t space = name.find(' ');
    const std::string first = name.substr(0, space);
    const std::string last = space == std::string::npos ? "" : name.substr(space + 1);
    std::string password;
    if (has_flag(a, "--password-stdin")) {
        password.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
            password.pop_back();
        }
        auto verdict = password_verdict(call.config, password, email, first, last);
        if (!verdict) return fail(what, verdict.error());
        if (*verdict) return fail(what, "password refused: " + **verdict);
    } else {
        // A password nobody knows: the user sets one with forgot-password.
        password = crypto::base64url_encode(crypto::random_bytes(32));
    }
    auto hash = crypto::hash_password(password, argon2_of(call.config));
    if (!hash) return fail(what, hash.error());
    const bool verified = has_flag(a, "--verified");
    db::Connection db(call.config.database);
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    auto user = accounts::create_user(db, {email, *hash, first, last});
    if (!user && user.error().code == ErrorCode::conflict) {
        return fail(what, "an account for " + email + " exists already");
    }
    if (!user) return fail(what, user.error());
    if (verified) {
        if (auto r = accounts::mark_email_verified(db, user->id); !r) return fail(what, r.error());
    }
    if (auto r = audit::record(db, "user_created_by_operator", user->id, operator_origin(),
                               operator_detail({{"verified", verified ? "true" : "false"}}));
        !r) {
        return fail(what, r.error());
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    if (call.json) {
        json::Writer out;
        out.begin_object().key("id").string(user->id).key("email").string(email).end_object();
        print_line(std::move(out).str());
    } else {
        std::printf("created %s (%s)\n", email.c_str(), user->id.c_str());
    }
    return kExitOk;
}

void write_user(json::Writer& out, const accounts::User& u) {
    out.key("id").string(u.id).key("email").string(u.email);
    out.key("first_name").string(u.first_name).key("last_name").string(u.last_name);
    out.key("email_verified").boolean(u.email_verified).key("mfa_enabled").boolean(u.mfa_enabled);
    out.key("created_at").string(u.created_at).key("last_login_at");
    if (u.last_login_at) {
        out.string(*u.last_login_at);
    } else {
        out.null();
    }
}

int user_list(const Invocation& call) {
    int limit = 100;
    if (const std::string text = flag_value(call.args, "--limit"); !text.empty()) {
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
        if (error != std::errc() || end != text.data() + text.size()) limit = 0;
        if (limit < 1 || limit > 100000) {
            return fail("user list", "--limit is 1-100000", kExitUsage);
        }
    }
    db::Connection db(call.config.database);
    auto users = accounts::list_users(db, flag_value(call.args, "--query"), limit);
    if (!users) return fail("user list", users.error());
    if (call.json) {
        json::Writer out;
        out.begin_array();
        for (const auto& u : *users) {
            out.begin_object();
            write_user(out, u);
            out.end_object();
        }
        out.end_array();
        print_line(std::move(out).str());
        return kExitOk;
    }
    for (const auto& u : *users) {
        std::printf("%s\t%s %s\t%s\t2fa %s\t%s\n", u.email.c_str(), u.first_name.c_str(),
                    u.last_name.c_str(), u.email_verified ? "verified" : "unverified",
                    u.mfa_enabled ? "on" : "off", u.created_at.c_str());
    }
    return kExitOk;
}

std::string rfc3339(int64_t unix_seconds) {
    const std::time_t t = unix_seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

int user_show(const Invocation& call) {
    constexpr const char* what = "user show";
    db::Connection db(call.config.database);
    auto user = find_account(db, call.args[1]);
    if (!user) return fail(what, user.error());
    auto sessions = sessions::list_sessions(db, user->id);
    if (!sessions) return fail(what, sessions.error());
    auto subject = lockout_subject_of(call.config, user->email);
    if (!subject) return fail(what, subject.error());
    // lock_state() may create the row: read it in a transaction rolled back.
    accounts::LockState lock;
    {
        auto tx = db::Transaction::begin(db);
        if (!tx) return fail(what, tx.error());
        auto state = accounts::lock_state(*tx, *subject);
        if (!state) return fail(what, state.error());
        lock = *state;
    }
    const std::string locked_until = lock.locked ? rfc3339(unix_now() + lock.retry_after) : "";
    const accounts::User& u = *user;
    if (call.json) {
        json::Writer out;
        out.begin_object();
        write_user(out, u);
        out.key("locked_until");
        if (lock.locked) {
            out.string(locked_until);
        } else {
            out.null();
        }
        out.key("sessions").number(static_cast<int64_t>(sessions->size())).end_object();
        print_line(std::move(out).str());
        return kExitOk;
    }
    std::printf(
        "email:        %s\nid:           %s\nname:         %s %s\nverified:     %s\n"
        "2fa:          %s\nlocked until: %s\nsessions:     %zu\ncreated:      %s\n"
        "last login:   %s\n",
        u.email.c_str(), u.id.c_str(), u.first_name.c_str(), u.last_name.c_str(),
        u.email_verified ? "yes" : "no", u.mfa_enabled ? "on" : "off",
        lock.locked ? locked_until.c_str() : "not locked", sessions->size(), u.created_at.c_str(),
        u.last_login_at ? u.last_login_at->c_str() : "never");
    return kExitOk;
}

// delete, verify and unlock: one transaction that locks the account's row
// first (the lock order of accounts/user_store.h), changes, audits, commits.
int user_delete(const Invocation& call) {
    constexpr const char* what = "user delete";
    db::Connection db(call.config.database);
    auto user = find_account(db, call.args[1]);
    if (!user) return fail(what, user.error());
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    if (auto r = accounts::lock_user(*tx, user->id); !r) return fail(what, r.error());
    // As DELETE /users/profile: every session revoked (the validator refuses
    // their tokens within the revocation bound), audited, then the row.
    if (auto r = sessions::revoke_all_sessions(*tx, user->id, "account_deleted"); !r) {
        return fail(what, r.error());
    }
    if (auto r =
            audit::record(db, "account_deleted", user->id, operator_origin(), operator_detail());
        !r) {
        return fail(what, r.error());
    }
    if (auto r = accounts::delete_user(db, user->id); !r) return fail(what, r.error());
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    std::printf("deleted %s\n", user->email.c_str());
    return kExitOk;
}

int user_verify(const Invocation& call) {
    constexpr const char* what = "user verify";
    db::Connection db(call.config.database);
    auto user = find_account(db, call.args[1]);
    if (!user) return fail(what, user.error());
    if (user->email_verified) {
        std::printf("%s is verified already\n", user->email.c_str());
        return kExitOk;
    }
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    if (auto r = accounts::lock_user(*tx, user->id); !r) return fail(what, r.error());
    if (auto r = accounts::mark_email_verified(db, user->id); !r) return fail(what, r.error());
    if (auto r = audit::record(db, "email_verified_by_operator", user->id, operator_origin(),
                               operator_detail());
        !r) {
        return fail(what, r.error());
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    std::printf("verified %s\n", user->email.c_str());
    return kExitOk;
}

int user_unlock(const Invocation& call) {
    constexpr const char* what = "user unlock";
    db::Connection db(call.config.database);
    auto user = find_account(db, call.args[1]);
    if (!user) return fail(what, user.error());
    auto subject = lockout_subject_of(call.config, user->email);
    if (!subject) return fail(what, subject.error());
    auto tx = db::Transaction::begin(db);
    if (!tx) return fail(what, tx.error());
    if (auto r = accounts::lock_user(*tx, user->id); !r) return fail(what, r.error());
    auto state = accounts::lock_state(*tx, *subject);
    if (!state) return fail(what, state.error());
    if (auto r = accounts::clear_failures(*tx, *subject); !r) return fail(what, r.error());
    if (auto r = audit::record(db, "lockout_cleared_by_operator", user->id, operator_origin(),
                               operator_detail({{"was_locked", state->locked ? "true" : "false"}}));
        !r) {
        return fail(what, r.error());
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    std::printf(state->locked ? "unlocked %s\n" : "%s was not locked; failure count cleared\n",
                user->email.c_str());
    return kExitOk;
}

}  // namespace

int run_user(const Invocation& call) {
    const auto& a = call.args;
    if (a.empty()) return fail("user", kUsage, kExitUsage);
    const std::string& sub = a[0];
    if (sub == "list") return user_list(call);
    if (a.size() < 2 || a[1].empty() || a[1][0] == '-') return fail("user", kUsage, kExitUsage);
    if (sub == "add") return user_add(call);
    if (a.size() != 2) return fail("user", kUsage, kExitUsage);
    if (sub == "show") return user_show(call);
    if (sub == "delete") return user_delete(call);
    if (sub == "verify") return user_verify(call);
    if (sub == "unlock") return user_unlock(call);
    return fail("user", kUsage, kExitUsage);
}

}  // namespace authd::authctl
