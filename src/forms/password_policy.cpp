// forms/password_policy.cpp
//
// Checks a candidate password against the policy in one decoding pass that
// counts code points and notes which character classes occur, then the
// personal-information and banned-list checks, which need folded copies.
// The order of the checks is part of the contract (one message, the first
// failing rule), so the function reads top to bottom in that order.
#include "forms/password_policy.h"

#include <unictype.h>
#include <unistr.h>

#include "forms/email.h"
#include "forms/names.h"

namespace authd::forms {
namespace {

constexpr std::size_t kMinPersonalLength = 3;  // shorter parts are too common to forbid

// The view's bytes, as libunistring wants them: they live as long as what
// the view looks at, not as long as the view.
// cppcheck-suppress returnDanglingLifetime
const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::size_t code_points(std::string_view s) { return u8_mbsnlen(bytes(s), s.size()); }

std::string characters(int n) {
    return std::to_string(n) + (n == 1 ? " character" : " characters");
}

// True when `folded_password` contains `part` (raw) case-insensitively and
// `part` is long enough to count.
bool contains_personal(const std::string& folded_password, std::string_view part) {
    if (code_points(part) < kMinPersonalLength) return false;
    return folded_password.find(fold_case(part)) != std::string::npos;
}

}  // namespace

PasswordPolicy password_policy_of(const Config::Passwords& c) {
    PasswordPolicy policy;
    policy.min_length = c.min_length;
    policy.max_length = c.max_length;
    policy.require_upper = c.require_upper;
    policy.require_lower = c.require_lower;
    policy.require_digit = c.require_digit;
    policy.require_symbol = c.require_symbol;
    policy.forbid_personal = c.forbid_personal;
    return policy;
}

std::optional<std::string> password_problem(const PasswordPolicy& policy, std::string_view password,
                                            std::string_view email, std::string_view first_name,
                                            std::string_view last_name) {
    if (u8_check(bytes(password), password.size()) != nullptr) return "must be valid UTF-8";

    std::size_t length = 0;
    bool upper = false, lower = false, digit = false, symbol = false;
    for (std::size_t pos = 0; pos < password.size();) {
        ucs4_t c = 0;
        pos +=
            static_cast<std::size_t>(u8_mbtouc(&c, bytes(password) + pos, password.size() - pos));
        ++length;
        bool letter = uc_is_general_category(c, UC_CATEGORY_L);
        bool is_digit = uc_is_general_category(c, UC_CATEGORY_Nd);
        upper = upper || uc_is_general_category(c, UC_CATEGORY_Lu);
        lower = lower || uc_is_general_category(c, UC_CATEGORY_Ll);
        digit = digit || is_digit;
        symbol = symbol || (!letter && !is_digit);
    }

    // Compare as signed: a misconfigured negative bound must not wrap.
    auto count = static_cast<long long>(length);
    if (count < policy.min_length) return "must be at least " + characters(policy.min_length);
    if (count > policy.max_length) return "must be at most " + characters(policy.max_length);
    if (policy.require_upper && !upper) return "must contain an uppercase letter";
    if (policy.require_lower && !lower) return "must contain a lowercase letter";
    if (policy.require_digit && !digit) return "must contain a digit";
    if (policy.require_symbol && !symbol) return "must contain a symbol";

    if (policy.forbid_personal) {
        std::string folded = fold_case(password);
        std::string email_text = normalize_email(email);
        if (contains_personal(folded, email_local_part(email_text)) ||
            contains_personal(folded, trim_name(first_name)) ||
            contains_personal(folded, trim_name(last_name))) {
            return "must not contain your email or name";
        }
    }
    if (policy.banned != nullptr && policy.banned->contains(password)) return "is too common";
    return std::nullopt;
}

}  // namespace authd::forms
