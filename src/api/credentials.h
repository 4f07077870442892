// api/credentials.h
//
// What every endpoint that checks a password or a code shares: the
// account lockout around the check, and the answers for it.
#pragma once

#include <optional>

#include "accounts/lockout.h"
#include "accounts/user_store.h"
#include "api/services.h"
#include "audit/audit.h"
#include "http/response.h"

namespace authd::api {

// 429 ACCOUNT_LOCKED with Retry-After.
http::Response account_locked(int retry_after, std::string_view request_id);

// Inside the caller's transaction, after lock_state(): counts a failed
// password or code for `subject`; when it locks a real account, writes the
// audit event and queues the account_locked mail.
Result<void> count_failure(Services& services, const std::string& subject,
                           const accounts::User* user, const audit::Origin& origin);

}  // namespace authd::api
