// cognito/admin_ops.cpp
//
// The admin operations, which the door runs only for a request signed with
// one of the configured access keys (cognito/door.cpp checks the SigV4
// signature, its date and that it was not used before): AdminGetUser,
// AdminCreateUser, AdminDeleteUser, AdminConfirmSignUp,
// AdminSetUserPassword, AdminDisableUser, AdminEnableUser,
// AdminUserGlobalSignOut, AdminResetUserPassword, ListUsers.  They act as
// authctl does on an account: the account's row locked first (the lock
// order of accounts/user_store.h), disable and enable are
// login/account_state's, a reset code and its mail login/reset_request's,
// deletion api::delete_account; every change is audited with the
// request's origin and the signing key id.
#include <algorithm>
#include <ctime>

#include "accounts/email_codes.h"
#include "accounts/user_store.h"
#include "api/account_api.h"
#include "api/audit_origin.h"
#include "audit/audit.h"
#include "cognito/app_client.h"
#include "cognito/operation.h"
#include "crypto/encoding.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "forms/email.h"
#include "forms/names.h"
#include "forms/password_policy.h"
#include "json/writer.h"
#include "login/account_state.h"
#include "login/reset_request.h"
#include "mfa/challenge_store.h"
#include "sessions/session_store.h"

namespace authd::cognito {
namespace {

Unexpected<AwsError> internal(const Error& error) {
    return Unexpected{AwsError{"InternalErrorException", "Internal error", 500, error.detail}};
}

Unexpected<AwsError> no_such_user() {
    return aws_refuse("UserNotFoundException", "User does not exist.", "unknown_user");
}

Result<void, AwsError> check_pool(const OpCall& call) {
    auto pool = required_string(call.body, "UserPoolId");
    if (!pool) return Unexpected{pool.error()};
    if (*pool != call.services.config.cognito.user_pool_id) {
        return aws_refuse("ResourceNotFoundException", "User pool " + *pool + " does not exist.",
                          "unknown_pool");
    }
    return {};
}

// The pool and the user a call names.
Result<accounts::User, AwsError> named_user(const OpCall& call) {
    if (auto ok = check_pool(call); !ok) return Unexpected{ok.error()};
    auto username = required_string(call.body, "Username");
    if (!username) return Unexpected{username.error()};
    auto email = email_of_username(call.services, *username);
    if (!email) return Unexpected{email.error()};
    auto user = accounts::find_user_by_email(call.services.db, *email);
    if (!user) return internal(user.error());
    if (!*user) return no_such_user();
    return std::move(**user);
}

// "2026-12-04T22:53:38Z" as epoch seconds, how AWS JSON carries times.
int64_t epoch_of(std::string_view t) {
    std::tm tm{};
    if (t.size() < 19 ||
        strptime(std::string(t.substr(0, 19)).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
        return 0;
    }
    return static_cast<int64_t>(timegm(&tm));
}

void attributes(json::Writer& w, const accounts::User& u) {
    auto one = [&](std::string_view name, std::string_view value) {
        w.begin_object().key("Name").string(name).key("Value").string(value).end_object();
    };
    w.begin_array();
    one("sub", u.id);
    one("email", u.email);
    one("email_verified", u.email_verified ? "true" : "false");
    one("given_name", u.first_name);
    one("family_name", u.last_name);
    w.end_array();
}

// UserType (AdminCreateUser, ListUsers) or AdminGetUser's members, whose
// attributes are under `attributes_key`.
void user_members(json::Writer& w, const accounts::User& u, std::string_view attributes_key) {
    w.key("Username").string(u.id);
    w.key(attributes_key);
    attributes(w, u);
    w.key("UserCreateDate").number(epoch_of(u.created_at));
    w.key("UserLastModifiedDate").number(epoch_of(u.updated_at));
    w.key("Enabled").boolean(!u.disabled());
    w.key("UserStatus")
        .string(u.password_reset_required ? "RESET_REQUIRED"
                : u.email_verified        ? "CONFIRMED"
                                          : "UNCONFIRMED");
}

audit::Origin origin_of(const OpCall& call) { return api::audit_origin(call.request); }

// One locked-account change in its own transaction, then `{}`.
template <typename Change>
OpResult change_account(const OpCall& call, Change change) {
    auto user = named_user(call);
    if (!user) return Unexpected{user.error()};
    auto tx = db::Transaction::begin(call.services.db);
    if (!tx) return internal(tx.error());
    auto locked = accounts::lock_user(*tx, user->id);
    if (!locked) return internal(locked.error());
    if (!*locked) return no_such_user();
    if (Result<void> r = change(*tx, **locked); !r) return internal(r.error());
    if (auto r = tx->commit(); !r) return internal(r.error());
    return aws_ok("{}");
}

std::string random_password() { return crypto::base64url_encode(crypto::random_bytes(32)); }

}  // namespace

OpResult admin_get_user(const OpCall& call) {
    auto user = named_user(call);
    if (!user) return Unexpected{user.error()};
    json::Writer w;
    w.begin_object();
    user_members(w, *user, "UserAttributes");
    w.key("UserMFASettingList").begin_array();
    if (user->mfa_enabled) w.string("SOFTWARE_TOKEN_MFA");
    w.end_array();
    if (user->mfa_enabled) w.key("PreferredMfaSetting").string("SOFTWARE_TOKEN_MFA");
    w.end_object();
    return aws_ok(std::move(w).str());
}

OpResult admin_create_user(const OpCall& call) {
    api::Services& s = call.services;
    if (auto ok = check_pool(call); !ok) return Unexpected{ok.error()};
    auto username = required_string(call.body, "Username");
    if (!username) return Unexpected{username.error()};
    auto attrs = attribute_list(call.body, "UserAttributes");
    if (!attrs) return Unexpected{attrs.error()};
    auto temporary = optional_string(call.body, "TemporaryPassword");
    if (!temporary) return Unexpected{temporary.error()};
    auto action = optional_string(call.body, "MessageAction");
    if (!action) return Unexpected{action.error()};
    auto attr = [&](const char* k) {
        auto it = attrs->find(k);
        return it == attrs->end() ? std::string() : it->second;
    };
    const std::string email =
        forms::normalize_email(attr("email").empty() ? *username : attr("email"));
    if (forms::email_problem(email)) {
        return aws_refuse("InvalidParameterException", "Invalid email address format.",
                          "bad_email");
    }
    const std::string first = attr("given_name");
    const std::string last = attr("family_name");
    for (const std::string* name : {&first, &last}) {
        if (!name->empty() && forms::name_problem(*name)) {
            return aws_refuse("InvalidParameterException", "Invalid name attribute", "bad_name");
        }
    }
    // A temporary password is the account's password (authd has no
    // forced change at first sign-in); without one, nobody knows it and
    // the user sets one with the reset code mailed now.
    std::string password = temporary->value_or("");
    if (!password.empty()) {
        if (auto why = forms::password_problem(s.policy, password, email, first, last)) {
            return aws_refuse("InvalidPasswordException",
                              "Password did not conform with policy: " + *why, "weak_password");
        }
    } else {
        password = random_password();
    }
    auto hash = crypto::hash_password(password, s.argon2);
    if (!hash) return internal(hash.error());
    auto tx = db::Transaction::begin(s.db);
    if (!tx) return internal(tx.error());
    auto user = accounts::create_user(s.db, {email, *hash, first, last});
    if (!user && user.error().code == ErrorCode::conflict) {
        return aws_refuse("UsernameExistsException", "User account already exists", "email_exists");
    }
    if (!user) return internal(user.error());
    if (attr("email_verified") == "true") {
        if (auto r = accounts::mark_email_verified(s.db, user->id); !r) return internal(r.error());
        user->email_verified = true;
    }
    const bool mail = action->value_or("") != "SUPPRESS";
    if (mail && !temporary->has_value()) {
        if (auto r = login::queue_reset_code(*tx, s.keys, s.config.accounts.reset_ttl, *user); !r) {
            return internal(r.error());
        }
    }
    if (auto r = audit::record(s.db, "user_created_by_operator", user->id, origin_of(call),
                               audit::detail({{"via", std::string_view("cognito_admin")}}));
        !r) {
        return internal(r.error());
    }
    if (auto r = tx->commit(); !r) return internal(r.error());
    json::Writer w;
    w.begin_object();
    w.key("User").begin_object();
    user_members(w, *user, "Attributes");
    w.end_object();
    w.end_object();
    return aws_ok(std::move(w).str());
}

OpResult admin_delete_user(const OpCall& call) {
    return change_account(call, [&](db::Transaction& tx, const accounts::User& u) {
        return api::delete_account(call.services, tx, u.id, origin_of(call));
    });
}

OpResult admin_confirm_sign_up(const OpCall& call) {
    return change_account(call, [&](db::Transaction&, const accounts::User& u) -> Result<void> {
        if (u.email_verified) return {};
        if (auto r = accounts::mark_email_verified(call.services.db, u.id); !r) return r;
        return audit::record(call.services.db, "email_verified", u.id, origin_of(call),
                             audit::detail({{"via", std::string_view("cognito_admin")}}));
    });
}

OpResult admin_set_user_password(const OpCall& call) {
    api::Services& s = call.services;
    auto password = required_string(call.body, "Password");
    if (!password) return Unexpected{password.error()};
    auto user = named_user(call);
    if (!user) return Unexpected{user.error()};
    if (auto why = forms::password_problem(s.policy, *password, user->email, user->first_name,
                                           user->last_name)) {
        return aws_refuse("InvalidPasswordException",
                          "Password did not conform with policy: " + *why, "weak_password");
    }
    auto hash = crypto::hash_password(*password, s.argon2);
    if (!hash) return internal(hash.error());
    return change_account(call, [&](db::Transaction& tx, const accounts::User& u) -> Result<void> {
        // As a reset does: the new password, every session and pending
        // challenge of the old one ended.
        if (auto r = accounts::set_password_hash(s.db, u.id, *hash); !r) return r;
        if (auto r = sessions::revoke_all_sessions(tx, u.id, "password_changed"); !r) {
            return Unexpected{r.error()};
        }
        if (auto r = mfa::end_challenges_of_user(tx, u.id); !r) return r;
        return audit::record(s.db, "password_set_by_operator", u.id, origin_of(call),
                             audit::detail({{"via", std::string_view("cognito_admin")}}));
    });
}

OpResult admin_disable_user(const OpCall& call) {
    return change_account(call, [&](db::Transaction& tx, const accounts::User& u) -> Result<void> {
        auto changed = login::disable_account(tx, u);
        if (!changed) return Unexpected{changed.error()};
        if (!*changed) return {};
        return audit::record(call.services.db, "account_disabled", u.id, origin_of(call),
                             audit::detail({{"via", std::string_view("cognito_admin")}}));
    });
}

OpResult admin_enable_user(const OpCall& call) {
    return change_account(call, [&](db::Transaction& tx, const accounts::User& u) -> Result<void> {
        auto changed = login::enable_account(tx, u);
        if (!changed) return Unexpected{changed.error()};
        if (!*changed) return {};
        return audit::record(call.services.db, "account_enabled", u.id, origin_of(call),
                             audit::detail({{"via", std::string_view("cognito_admin")}}));
    });
}

OpResult admin_user_global_sign_out(const OpCall& call) {
    return change_account(call, [&](db::Transaction& tx, const accounts::User& u) -> Result<void> {
        if (auto r = sessions::revoke_all_sessions(tx, u.id, "logout_all"); !r) {
            return Unexpected{r.error()};
        }
        return audit::record(call.services.db, "logout_all", u.id, origin_of(call),
                             audit::detail({{"via", std::string_view("cognito_admin")}}));
    });
}

OpResult admin_reset_user_password(const OpCall& call) {
    api::Services& s = call.services;
    return change_account(call, [&](db::Transaction& tx, const accounts::User& u) -> Result<void> {
        // The old password stops working at once (a sign-in answers
        // PasswordResetRequiredException); the user sets a new one with
        // the code mailed now (ConfirmForgotPassword, /auth/password/reset).
        if (auto r = accounts::require_password_reset(s.db, u.id); !r) return r;
        if (auto r = sessions::revoke_all_sessions(tx, u.id, "password_changed"); !r) {
            return Unexpected{r.error()};
        }
        if (auto r = mfa::end_challenges_of_user(tx, u.id); !r) return r;
        if (auto r = login::queue_reset_code(tx, s.keys, s.config.accounts.reset_ttl, u); !r) {
            return r;
        }
        return audit::record(s.db, "password_reset_by_operator", u.id, origin_of(call),
                             audit::detail({{"via", std::string_view("cognito_admin")}}));
    });
}

OpResult list_users(const OpCall& call) {
    if (auto ok = check_pool(call); !ok) return Unexpected{ok.error()};
    auto limit = call.body.find_int("Limit");
    if (!limit) return aws_refuse("SerializationException", "Limit must be a number", "wrong_type");
    const int64_t page = limit->value_or(60);
    if (page < 0 || page > 60) {
        return aws_refuse("InvalidParameterException",
                          "1 validation error detected: Value at 'limit' failed to satisfy "
                          "constraint: Member must have value less than or equal to 60",
                          "bad_limit");
    }
    auto token = optional_string(call.body, "PaginationToken");
    if (!token) return Unexpected{token.error()};
    std::string after;
    if (*token) {
        auto decoded = crypto::base64url_decode(**token);
        if (!decoded || !sessions::is_uuid(*decoded)) {
            return aws_refuse("InvalidParameterException", "Invalid pagination token",
                              "bad_pagination_token");
        }
        after = *decoded;
    }
    auto filter_text = optional_string(call.body, "Filter");
    if (!filter_text) return Unexpected{filter_text.error()};
    accounts::UserFilter filter;
    if (*filter_text && !(*filter_text)->empty()) {
        // `attribute = "value"` or `attribute ^= "value"`, Cognito's forms.
        const std::string& f = **filter_text;
        const size_t quote = f.find('"');
        const bool quoted = quote != std::string::npos && f.size() >= quote + 2 && f.back() == '"';
        std::string lhs = quoted ? f.substr(0, quote) : std::string();
        lhs.erase(std::remove(lhs.begin(), lhs.end(), ' '), lhs.end());
        const std::string value =
            quoted ? f.substr(quote + 1, f.size() - quote - 2) : std::string();
        if (lhs == "email=" || lhs == "email^=" || lhs == "sub=" || lhs == "username=") {
            filter = {lhs == "username=" ? "sub=" : lhs, value};
        } else if (lhs == "status=" && (value == "Enabled" || value == "Disabled")) {
            filter = {value == "Enabled" ? "enabled" : "disabled", {}};
        } else {
            return aws_refuse("InvalidParameterException", "Invalid search attribute or filter",
                              "bad_filter");
        }
    }
    const int size = page == 0 ? 60 : static_cast<int>(page);
    // One more than the page, to know whether another page follows.
    auto users = accounts::page_users(call.services.db, after, size + 1, filter);
    if (!users) return internal(users.error());
    const bool more = static_cast<int>(users->size()) > size;
    if (more) users->pop_back();
    json::Writer w;
    w.begin_object();
    w.key("Users").begin_array();
    for (const auto& u : *users) {
        w.begin_object();
        user_members(w, u, "Attributes");
        w.end_object();
    }
    w.end_array();
    if (more) w.key("PaginationToken").string(crypto::base64url_encode(users->back().id));
    w.end_object();
    return aws_ok(std::move(w).str());
}

}  // namespace authd::cognito
