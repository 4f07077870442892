// api/answers.h
//
// Small answers many endpoints give in the contract's words: a message,
// a wrong or expired emailed code, a wrong password asked again before a
// sensitive change, a locked account.
#pragma once

#include <string>
#include <string_view>

#include "http/response.h"

namespace authd::api {

// {"message": ...}
http::Response message_response(int status, std::string_view message);

// 400 INVALID_CODE or CODE_EXPIRED for an emailed code.
http::Response code_error(std::string_view code, std::string reason, std::string_view request_id);

// 401 INVALID_CREDENTIALS for a signed-in user whose password (asked again
// before a sensitive change) is not the account's; `reason` is for the log.
http::Response wrong_password(std::string_view reason, std::string_view request_id);

// 429 ACCOUNT_LOCKED with Retry-After.
http::Response account_locked(int retry_after, std::string_view request_id);

}  // namespace authd::api
