// api/user_json.cpp
#include "api/user_json.h"

#include "json/writer.h"

namespace authd::api {

void write_user(json::Writer& w, const accounts::User& u) {
    w.begin_object();
    w.key("userId").string(u.id);
    w.key("email").string(u.email);
    w.key("firstName").string(u.first_name);
    w.key("lastName").string(u.last_name);
    w.key("emailVerified").boolean(u.email_verified);
    w.key("mfaEnabled").boolean(u.mfa_enabled);
    w.key("createdAt").string(u.created_at);
    w.key("updatedAt").string(u.updated_at);
    w.key("lastLoginAt");
    if (u.last_login_at) {
        w.string(*u.last_login_at);
    } else {
        w.null();
    }
    w.end_object();
}

std::string user_json(const accounts::User& user) {
    json::Writer w;
    write_user(w, user);
    return std::move(w).str();
}

}  // namespace authd::api
