// api/credentials.cpp
#include "api/credentials.h"

#include "api/audit_origin.h"
#include "api/registration_api.h"
#include "api/token_response.h"
#include "forms/requests.h"
#include "mail/outbox.h"

namespace authd::api {

http::Response code_error(std::string_view code, std::string reason, std::string_view rid) {
    http::ApiError e{400, code,
                     code == "CODE_EXPIRED" ? "the code has expired; request a new one"
                                            : "the code is not valid"};
    e.log_reason = std::move(reason);
    return http::error_response(e, rid);
}

http::Response answer_then_mail(Services& s, const http::Request& request, json::Object body,
                                LimitKind limit, std::string_view message, EmailWork work) {
    auto form = forms::parse_email_only(body);
    if (!form) return http::error_response(form.error(), request.request_id);
    if (auto limited = over_limit(s, limit, form->email, request.request_id)) return *limited;
    http::Response r = message_response(202, message);
    r.after_response = [&s, work, email = form->email, origin = audit_origin(request)] {
        work(s, email, origin);
    };
    return r;
}

http::Response wrong_password(std::string_view reason, std::string_view rid) {
    http::ApiError e{401, "INVALID_CREDENTIALS", "the password is not correct"};
    e.log_reason = std::string(reason);
    return http::error_response(e, rid);
}

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
