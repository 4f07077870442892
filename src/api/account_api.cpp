// api/account_api.cpp
//
// Account deletion removes the user and everything that hangs off the user
// (sessions, codes, tokens) in one transaction; the sessions are recorded
// as revoked first, so their access tokens die everywhere, and the audit
// rows stay (they have no foreign key to users).
#include "api/account_api.h"

#include "accounts/user_store.h"
#include "api/audit_origin.h"
#include "api/auth.h"
#include "api/credentials.h"
#include "api/services.h"
#include "api/token_response.h"
#include "audit/audit.h"
#include "crypto/password.h"
#include "forms/requests.h"

namespace authd::api {
namespace {

http::Response not_found(std::string_view rid) {
    return http::error_response({404, "NOT_FOUND", "no such session"}, rid);
}

}  // namespace

http::Response list_sessions(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto list = sessions::list_sessions(s.db, caller->claims.user_id);
    if (!list) return http::from_error(list.error(), rid);
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

http::Response delete_session(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    std::string id(call.path_param);
    if (!sessions::is_uuid(id)) return not_found(rid);
    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    // Not found, someone else's and already revoked all answer 404.
    auto revoked = sessions::revoke_session(s.db, id, caller->claims.user_id, "session_deleted");
    if (!revoked) return http::from_error(revoked.error(), rid);
    if (!*revoked) return not_found(rid);
    if (auto r = audit::record(s.db, "session_revoked", caller->claims.user_id,
                               audit_origin(call.request), "{\"session_id\":\"" + id + "\"}");
        !r) {
        return http::from_error(r.error(), rid);
    }
    if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
    return http::no_content();
}

http::Response get_profile(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto user = accounts::find_user_by_id(s.db, caller->claims.user_id);
    if (!user) return http::from_error(user.error(), rid);
    if (!*user) return http::error_response({404, "NOT_FOUND", "no such user"}, rid);
    return http::json_response(200, user_json(**user));
}

http::Response update_profile(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto form = forms::parse_profile(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    auto user =
        accounts::update_names(s.db, caller->claims.user_id, form->first_name, form->last_name);
    if (!user) return http::from_error(user.error(), rid);
    if (form->first_name || form->last_name) {
        if (auto r = audit::record(s.db, "profile_updated", user->id, audit_origin(call.request));
            !r) {
            return http::from_error(r.error(), rid);
        }
    }
    if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
    return http::json_response(200, user_json(*user));
}

http::Response delete_profile(Services& s, const Call& call) {
    const std::string& rid = call.request.request_id;
    auto caller = authenticate(s, call.request);
    if (!caller) return http::error_response(caller.error(), rid);
    auto form = forms::parse_password(call.body.root());
    if (!form) return http::error_response(form.error(), rid);
    auto user = accounts::find_user_by_id(s.db, caller->claims.user_id);
    if (!user) return http::from_error(user.error(), rid);
    if (!*user || !crypto::verify_password(form->password, (*user)->password_hash)) {
        return wrong_password("wrong_password", rid);
    }
    const std::string& id = (*user)->id;
    auto tx = begin_as_caller(s, *caller, rid);
    if (!tx) return tx.error();
    if (auto r = sessions::revoke_all_sessions(s.db, id, "account_deleted"); !r) {
        return http::from_error(r.error(), rid);
    }
    if (auto r = audit::record(s.db, "account_deleted", id, audit_origin(call.request)); !r) {
        return http::from_error(r.error(), rid);
    }
    if (auto r = accounts::delete_user(s.db, id); !r) return http::from_error(r.error(), rid);
    if (auto r = tx->commit(); !r) return http::from_error(r.error(), rid);
    http::Response done = http::no_content();
    clear_cookies(done);
    return done;
}

}  // namespace authd::api
