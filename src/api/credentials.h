// api/credentials.h
//
// What every endpoint that checks a password or a code shares: the
// account lockout around the check, and the answers for it.
#pragma once

#include <optional>

#include "accounts/lockout.h"
#include "accounts/user_store.h"
#include "api/limits.h"
#include "api/services.h"
#include "audit/audit.h"
#include "http/response.h"
#include "json/document.h"

namespace authd::api {

// 400 INVALID_CODE or CODE_EXPIRED for an emailed code.
http::Response code_error(std::string_view code, std::string reason, std::string_view request_id);

// The shape of forgot-password and resend-verification: check the email,
// count it against `limit`, answer 202 `message` at once, and only after
// the answer has gone out look the account up and do `work`, so neither
// the body nor the time tells whether the account exists.
using EmailWork = void (*)(Services&, const std::string& email, const audit::Origin&);
http::Response answer_then_mail(Services& services, const http::Request& request, json::Object body,
                                LimitKind limit, std::string_view message, EmailWork work);

// 401 INVALID_CREDENTIALS for a signed-in user whose password (asked again
// before a sensitive change) is not the account's; `reason` is for the log.
http::Response wrong_password(std::string_view reason, std::string_view request_id);

// 429 ACCOUNT_LOCKED with Retry-After.
http::Response account_locked(int retry_after, std::string_view request_id);

}  // namespace authd::api
