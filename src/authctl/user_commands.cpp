// authctl/user_commands.cpp
//
// `authctl user add|list|show|delete|verify|unlock|disable|enable`:
// accounts for an operator, through the same stores and use cases the API
// uses, so an account made or changed here is exactly one the API could
// have made.  Every change is one transaction with its audit row naming the
// operator (authctl/cli.h, change_account).
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
#include "login/account_state.h"
#include "login/reset_request.h"
#include "sessions/session_store.h"

namespace authd::authctl {
namespace {

constexpr const char* kUsage =
    "usage: authctl user add EMAIL [--name \"First Last\"] [--verified] [--password-stdin | "
    "--reset-required] | list [--query Q] [--limit N] | "
    "show|delete|verify|unlock|disable|enable EMAIL";

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
    const bool reset_required = has_flag(a, "--reset-required");
    if (reset_required && has_flag(a, "--password-stdin")) {
        return fail(what, "--password-stdin and --reset-required exclude each other", kExitUsage);
    }
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
        // A password nobody knows: the user sets one with forgot-password
        // (or with the code --reset-required mails at once).
        password = crypto::base64url_encode(crypto::random_bytes(32));
    }
    std::optional<keys::Keyring> keys;  // for the reset code and its sealed mail
    if (reset_required) {
        auto loaded = keys::Keyring::load_for(call.config);
        if (!loaded) return fail(what, loaded.error());
        keys = std::move(*loaded);
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
    if (keys) {
        // The message forgot-password sends, in the account's transaction.
        if (auto r = login::queue_reset_code(*tx, *keys, call.config.accounts.reset_ttl, *user);
            !r) {
            return fail(what, r.error());
        }
    }
    if (auto r =
            audit::record(db, "user_created_by_operator", user->id, operator_origin(),
                          operator_detail({{"verified", verified ? "true" : "false"},
                                           {"reset_required", reset_required ? "true" : "false"}}));
        !r) {
        return fail(what, r.error());
    }
    if (auto r = tx->commit(); !r) return fail(what, r.error());
    if (call.json) {
        json::Writer out;
        out.begin_object().key("id").string(user->id).key("email").string(email);
        out.key("reset_mail_queued").boolean(reset_required).end_object();
        print_line(std::move(out).str());
    } else {
        std::printf("created %s (%s)%s\n", email.c_str(), user->id.c_str(),
                    reset_required ? "; a password reset code is on its way" : "");
    }
    return kExitOk;
}

void write_user(json::Writer& out, const accounts::User& u) {
    out.key("id").string(u.id).key("email").string(u.email);
    out.key("first_name").string(u.first_name).key("last_name").string(u.last_name);
    out.key("email_verified").boolean(u.email_verified).key("mfa_enabled").boolean(u.mfa_enabled);
    out.key("disabled").boolean(u.disabled()).key("disabled_at");
    write_optional(out, u.disabled_at);
    out.key("created_at").string(u.created_at).key("last_login_at");
    write_optional(out, u.last_login_at);
}

int user_list(const Invocation& call) {
    int limit = 100;
    if (has_flag(call.args, "--limit")) {
        auto n = parse_count(flag_value(call.args, "--limit"), 100000);
        if (!n) return fail("user list", "--limit is 1-100000", kExitUsage);
        limit = static_cast<int>(*n);
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
        std::printf("%s\t%s %s\t%s\t2fa %s\t%s\t%s\n", u.email.c_str(), u.first_name.c_str(),
                    u.last_name.c_str(), u.email_verified ? "verified" : "unverified",
                    u.mfa_enabled ? "on" : "off", u.disabled() ? "disabled" : "enabled",
                    u.created_at.c_str());
    }
    return kExitOk;
}

int user_show(const Invocation& call, db::Connection& db, const accounts::User& u) {
    constexpr const char* what = "user show";
    auto sessions = sessions::list_sessions(db, u.id);
    if (!sessions) return fail(what, sessions.error());
    auto subject = lockout_subject_of(call.config, u.email);
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
    const std::optional<std::string> locked_until =
        lock.locked ? std::optional(rfc3339(unix_now() + lock.retry_after)) : std::nullopt;
    if (call.json) {
        json::Writer out;
        out.begin_object();
        write_user(out, u);
        out.key("locked_until");
        write_optional(out, locked_until);
        out.key("sessions").number(static_cast<int64_t>(sessions->size())).end_object();
        print_line(std::move(out).str());
        return kExitOk;
    }
    const std::string disabled = u.disabled() ? "yes, since " + *u.disabled_at : "no";
    std::printf(
        "email:        %s\nid:           %s\nname:         %s %s\nverified:     %s\n"
        "disabled:     %s\n2fa:          %s\nlocked until: %s\nsessions:     %zu\n"
        "created:      %s\nlast login:   %s\n",
        u.email.c_str(), u.id.c_str(), u.first_name.c_str(), u.last_name.c_str(),
        u.email_verified ? "yes" : "no", disabled.c_str(), u.mfa_enabled ? "on" : "off",
        locked_until ? locked_until->c_str() : "not locked", sessions->size(), u.created_at.c_str(),
        u.last_login_at ? u.last_login_at->c_str() : "never");
    return kExitOk;
}

// The changes: each one transaction through change_account (the account's
// row locked first), its audit row naming the operator.
int user_delete(const Invocation&, db::Connection& db, const accounts::User& user) {
    auto done = change_account(
        db, user,
        [](db::Transaction& tx, const accounts::User& locked) -> Result<std::optional<AuditRow>> {
            // As DELETE /users/profile: every session revoked (the validator
            // refuses their tokens within the revocation bound), audited,
            // then the row.
            if (auto r = sessions::revoke_all_sessions(tx, locked.id, "account_deleted"); !r) {
                return Unexpected{r.error()};
            }
            if (auto r = accounts::delete_user(tx.connection(), locked.id); !r) {
                return Unexpected{r.error()};
            }
            return audited("account_deleted", operator_detail());
        });
    if (!done) return fail("user delete", done.error());
    std::printf("deleted %s\n", user.email.c_str());
    return kExitOk;
}

int user_verify(const Invocation&, db::Connection& db, const accounts::User& user) {
    auto changed = change_account(
        db, user,
        [](db::Transaction& tx, const accounts::User& locked) -> Result<std::optional<AuditRow>> {
            if (locked.email_verified) return unchanged();
            if (auto r = accounts::mark_email_verified(tx.connection(), locked.id); !r) {
                return Unexpected{r.error()};
            }
            return audited("email_verified_by_operator", operator_detail());
        });
    if (!changed) return fail("user verify", changed.error());
    std::printf(*changed ? "verified %s\n" : "%s is verified already\n", user.email.c_str());
    return kExitOk;
}

int user_unlock(const Invocation& call, db::Connection& db, const accounts::User& user) {
    auto subject = lockout_subject_of(call.config, user.email);
    if (!subject) return fail("user unlock", subject.error());
    bool was_locked = false;
    auto changed = change_account(
        db, user,
        [&](db::Transaction& tx, const accounts::User&) -> Result<std::optional<AuditRow>> {
            auto state = accounts::lock_state(tx, *subject);
            if (!state) return Unexpected{state.error()};
            was_locked = state->locked;
            if (auto r = accounts::clear_failures(tx, *subject); !r) return Unexpected{r.error()};
            return audited("lockout_cleared_by_operator",
                           operator_detail({{"was_locked", was_locked ? "true" : "false"}}));
        });
    if (!changed) return fail("user unlock", changed.error());
    std::printf(was_locked ? "unlocked %s\n" : "%s was not locked; failure count cleared\n",
                user.email.c_str());
    return kExitOk;
}

// disable and enable (login/account_state.h): a disable revokes every live
// session and ends every pending MFA challenge in the same transaction.
// disable (`disable` true) and enable: login/account_state.h; a disable
// revokes every live session and ends every pending MFA challenge in the
// same transaction.  Says the state and whether this call changed it.
int set_disabled(const Invocation& call, db::Connection& db, const accounts::User& user,
                 bool disable) {
    auto changed = change_account(
        db, user,
        [&](db::Transaction& tx, const accounts::User& locked) -> Result<std::optional<AuditRow>> {
            auto done =
                disable ? login::disable_account(tx, locked) : login::enable_account(tx, locked);
            if (!done) return Unexpected{done.error()};
            if (!*done) return unchanged();
            return audited(disable ? "account_disabled" : "account_enabled", operator_detail());
        });
    if (!changed) return fail(disable ? "user disable" : "user enable", changed.error());
    if (call.json) {
        json::Writer out;
        out.begin_object().key("email").string(user.email).key("disabled").boolean(disable);
        out.key("changed").boolean(*changed).end_object();
        print_line(std::move(out).str());
    } else if (disable) {
        std::printf(
            *changed ? "disabled %s; its sessions are revoked\n" : "%s is disabled already\n",
            user.email.c_str());
    } else {
        std::printf(*changed ? "enabled %s\n" : "%s is not disabled\n", user.email.c_str());
    }
    return kExitOk;
}

int user_disable(const Invocation& call, db::Connection& db, const accounts::User& user) {
    return set_disabled(call, db, user, true);
}

int user_enable(const Invocation& call, db::Connection& db, const accounts::User& user) {
    return set_disabled(call, db, user, false);
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
    AccountHandler handler = nullptr;
    if (sub == "show") handler = user_show;
    if (sub == "delete") handler = user_delete;
    if (sub == "verify") handler = user_verify;
    if (sub == "unlock") handler = user_unlock;
    if (sub == "disable") handler = user_disable;
    if (sub == "enable") handler = user_enable;
    if (!handler) return fail("user", kUsage, kExitUsage);
    return on_account(call, handler);
}

}  // namespace authd::authctl
