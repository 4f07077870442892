// api/email_work.h
//
// The shape of forgot-password and resend-verification: check the email,
// count it against its limit, answer 202 `message` at once, and only after
// the answer has gone out look the account up and do the work, so neither
// the body nor the time tells whether the account exists.
#pragma once

#include <string>
#include <string_view>

#include "api/call.h"
#include "api/limits.h"
#include "api/services.h"
#include "audit/audit.h"
#include "http/request.h"
#include "http/response.h"
#include "json/document.h"

namespace authd::api {

using EmailWork = void (*)(Services&, const std::string& email, const audit::Origin&);
Answer answer_then_mail(Services& services, const http::Request& request, json::Object body,
                        LimitKind limit, std::string_view message, EmailWork work);

}  // namespace authd::api
