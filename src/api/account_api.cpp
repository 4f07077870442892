// api/account_api.cpp
//
// Account deletion removes the user and everything that hangs off the user
// (sessions, codes, tokens) in one transaction; the sessions are recorded
// as revoked first, so their access tokens die everywhere, and the audit
// rows stay (they have no foreign key to users).
#include "api/account_api.h"

#include "accounts/user_store.h"
#include "api/answers.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/services.h"
#include "api/session_cookies.h"
#include "api/user_json.h"
#include "audit/audit.h"
#include "crypto/password.h"
#include "forms/requests.h"
#include "json/writer.h"

namespace authd::api {
namespace {

Unexpected<http::ApiError> not_found() { return refuse({404, "NOT_FOUND", "no such session"}); }

}  // namespace

Result<void> delete_account(Services& s, db::Transaction& tx, const std::string& user_id,
                            const audit::Origin& origin) {
    if (auto r = sessions::revoke_all_sessions(tx, user_id, "account_deleted"); !r) {
        return Unexpected{r.error()};
    }
    if (auto r = audit::record(s.db, "account_deleted", user_id, origin); !r) return r;
    return accounts::delete_user(s.db, user_id);
}

Answer list_sessions(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto list = sessions::list_sessions(s.db, caller->claims.user_id);
    if (!list) return failure(list.error());
    json::Writer w;
    w.begin_object();
    w.key("sessions").begin_array();
    for (const auto& x : *list) {
        w.begin_object();
        w.key("sessionId").string(x.id);
        w.key("createdAt").string(x.created_at);
        w.key("lastUsedAt").string(x.last_used_at);
        w.key("expiresAt").string(x.expires_at);
        w.key("ip").string(x.ip);
        w.key("userAgent");
        if (x.user_agent.empty()) {
            w.null();
        } else {
            w.string(x.user_agent);
        }
        w.key("current").boolean(x.id == caller->session.id);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

Answer delete_session(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    std::string id(call.path_param);
    if (!sessions::is_uuid(id)) return not_found();
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    // Not found, someone else's and already revoked all answer 404.
    auto revoked = sessions::revoke_session(*tx, id, caller->claims.user_id, "session_deleted");
    if (!revoked) return failure(revoked.error());
    if (!*revoked) return not_found();
    if (auto r = audit::record(s.db, "session_revoked", caller->claims.user_id,
                               audit_origin(call.request), audit::session_detail(id));
        !r) {
        return failure(r.error());
    }
    if (auto r = tx->commit(); !r) return failure(r.error());
    return http::no_content();
}

Answer get_profile(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto user = accounts::find_user_by_id(s.db, caller->claims.user_id);
    if (!user) return failure(user.error());
    if (!*user) return refuse({404, "NOT_FOUND", "no such user"});
    return http::json_response(200, user_json(**user));
}

Answer update_profile(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_profile(call.body.root());
    if (!form) return invalid(form.error());
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    auto user =
        accounts::update_names(s.db, caller->claims.user_id, form->first_name, form->last_name);
    if (!user) return failure(user.error());
    if (form->first_name || form->last_name) {
        if (auto r = audit::record(s.db, "profile_updated", user->id, audit_origin(call.request));
            !r) {
            return failure(r.error());
        }
    }
    if (auto r = tx->commit(); !r) return failure(r.error());
    return http::json_response(200, user_json(*user));
}

Answer delete_profile(Services& s, const Call& call) {
    auto caller = authenticate(s, call.request);
    if (!caller) return refuse(caller.error());
    auto form = forms::parse_password(call.body.root());
    if (!form) return invalid(form.error());
    auto user = accounts::find_user_by_id(s.db, caller->claims.user_id);
    if (!user) return failure(user.error());
    if (!*user) return wrong_password("user_gone");
    const std::string& id = (*user)->id;
    auto tx = begin_as_caller(s, *caller);
    if (!tx) return Unexpected{tx.error()};
    if (auto ok = check_password_again(s, *tx, **user, form->password, audit_origin(call.request));
        !ok) {
        return Unexpected{ok.error()};
    }
    if (auto r = delete_account(s, *tx, id, audit_origin(call.request)); !r) {
        return failure(r.error());
    }
    if (auto r = tx->commit(); !r) return failure(r.error());
    http::Response done = http::no_content();
    clear_cookies(done);
    return done;
}

}  // namespace authd::api
