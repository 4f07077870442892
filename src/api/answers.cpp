// api/answers.cpp
#include "api/answers.h"

#include "api/call.h"
#include "json/writer.h"

namespace authd::api {

Unexpected<http::ApiError> invalid(forms::FieldErrors errors) {
    http::ApiError e{400, "VALIDATION_ERROR", "the request has invalid fields"};
    e.fields = std::move(errors.fields);
    e.log_reason = "validation";
    return Unexpected{std::move(e)};
}

http::Response message_response(int status, std::string_view message) {
    json::Writer w;
    w.begin_object();
    w.key("message").string(message);
    w.end_object();
    return http::json_response(status, std::move(w).str());
}

Unexpected<http::ApiError> code_error(std::string_view code, std::string reason) {
    return refuse(400, code,
                  code == "CODE_EXPIRED" ? "the code has expired; request a new one"
                                         : "the code is not valid",
                  std::move(reason));
}

Unexpected<http::ApiError> wrong_password(std::string_view reason) {
    return refuse(401, "INVALID_CREDENTIALS", "the password is not correct", std::string(reason));
}

Unexpected<http::ApiError> account_locked(int retry_after) {
    http::ApiError e{429, "ACCOUNT_LOCKED",
                     "too many failed attempts; the account is locked for a while"};
    e.retry_after = retry_after;
    e.log_reason = "account_locked";
    return refuse(e);
}

Unexpected<http::ApiError> account_disabled() {
    http::ApiError e{403, "ACCOUNT_DISABLED", "this account is disabled"};
    e.log_reason = "account_disabled";
    return refuse(e);
}

Unexpected<http::ApiError> password_reset_required() {
    http::ApiError e{403, "PASSWORD_RESET_REQUIRED",
                     "set a new password with the password reset before logging in"};
    e.log_reason = "password_reset_required";
    return refuse(e);
}

Result<void, http::ApiError> recheck_verdict(db::Transaction& tx,
                                             const Result<login::RecheckResult>& check,
                                             Unexpected<http::ApiError> if_wrong) {
    if (!check) return failure(check.error());
    if (check->outcome == login::Recheck::passed) return {};
    if (auto c = tx.commit(); !c) return failure(c.error());
    if (check->outcome == login::Recheck::locked) return account_locked(check->retry_after);
    return if_wrong;
}

Result<void, http::ApiError> check_password_again(Services& s, db::Transaction& tx,
                                                  const accounts::User& user,
                                                  const Secret& password,
                                                  const audit::Origin& origin) {
    login::Context ctx = s.login_context();
    return recheck_verdict(tx, login::recheck_password(ctx, tx, user, password.reveal(), origin),
                           wrong_password("wrong_password"));
}

}  // namespace authd::api
