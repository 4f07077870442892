// api/answers.h
//
// Small answers many endpoints give in the contract's words: a message,
// a wrong or expired emailed code, a wrong password asked again before a
// sensitive change, a locked account.
#pragma once

#include <string>
#include <string_view>

#include "api/services.h"
#include "core/result.h"
#include "db/connection.h"
#include "forms/requests.h"
#include "http/response.h"
#include "login/recheck.h"

namespace authd::api {

// 400 VALIDATION_ERROR carrying `fields`.
Unexpected<http::ApiError> invalid(forms::FieldErrors errors);

// {"message": ...}
http::Response message_response(int status, std::string_view message);

// 400 INVALID_CODE or CODE_EXPIRED for an emailed code.
Unexpected<http::ApiError> code_error(std::string_view code, std::string reason);

// 401 INVALID_CREDENTIALS for a signed-in user whose password (asked again
// before a sensitive change) is not the account's; `reason` is for the log.
Unexpected<http::ApiError> wrong_password(std::string_view reason);

// A signed-in user's re-check of a secret (login/recheck.h) as the
// handler's answer: success when it passed; else the transaction is
// committed first (the failure must count) and the refusal is 429
// ACCOUNT_LOCKED, or `if_wrong`.
Result<void, http::ApiError> recheck_verdict(db::Transaction& tx,
                                             const Result<login::RecheckResult>& check,
                                             Unexpected<http::ApiError> if_wrong);

// The signed-in user's password asked again (login::recheck_password): 401
// INVALID_CREDENTIALS when wrong, 429 ACCOUNT_LOCKED when locked; a failure
// is committed first, so it counts.
Result<void, http::ApiError> check_password_again(Services& services, db::Transaction& tx,
                                                  const accounts::User& user,
                                                  const Secret& password,
                                                  const audit::Origin& origin);

// 429 ACCOUNT_LOCKED with Retry-After.
Unexpected<http::ApiError> account_locked(int retry_after);
// 403 ACCOUNT_DISABLED (an extension of the contract, README): the password
// (or the second factor) was right and an operator disabled the account.
Unexpected<http::ApiError> account_disabled();
// 403 PASSWORD_RESET_REQUIRED (an extension of the contract, README "Moving
// from Cognito"): the account has no password until a reset sets one.
Unexpected<http::ApiError> password_reset_required();

}  // namespace authd::api
