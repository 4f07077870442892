// api/credentials.cpp
#include "api/credentials.h"

#include "api/registration_api.h"
#include "mail/outbox.h"

namespace authd::api {

http::Response account_locked(int retry_after, std::string_view request_id) {
    http::ApiError e{429, "ACCOUNT_LOCKED",
                     "too many failed attempts; the account is locked for a while"};
    e.retry_after = retry_after;
    e.log_reason = "account_locked";
    return http::error_response(e, request_id);
}

Result<void> count_failure(Services& s, const std::string& subject, const accounts::User* user,
                           const audit::Origin& origin) {
    auto count = accounts::record_failure(s.db, subject, s.config.lockout);
    if (!count) return Unexpected<Error>{count.error()};
    if (!count->locked_now || !user) return {};
    if (auto r = audit::record(s.db, "account_locked", user->id, origin); !r) return r;
    return mail::enqueue(s.db, s.keys, "account_locked", user->email,
                         {{"first_name", user->first_name},
                          {"lock_duration", human_duration(s.config.lockout.duration)}});
}

}  // namespace authd::api
