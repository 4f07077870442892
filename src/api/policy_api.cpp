// api/policy_api.cpp
#include "api/policy_api.h"

#include "api/services.h"
#include "json/writer.h"

namespace authd::api {

Answer get_password_policy(Services& s, const Call&) {
    // What forms::password_problem checks, in its order; the banned list is
    // announced, never shown (it would be a list of passwords to try last).
    const forms::PasswordPolicy& p = s.policy;
    json::Writer w;
    w.begin_object();
    w.key("minLength").number(p.min_length);
    w.key("maxLength").number(p.max_length);
    w.key("requireUppercase").boolean(p.require_upper);
    w.key("requireLowercase").boolean(p.require_lower);
    w.key("requireDigit").boolean(p.require_digit);
    w.key("requireSymbol").boolean(p.require_symbol);
    w.key("forbidPersonalInfo").boolean(p.forbid_personal);
    w.key("bannedList").boolean(p.banned != nullptr && p.banned->size() > 0);
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

}  // namespace authd::api
