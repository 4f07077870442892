// forms/password_policy.h
//
// The password policy of the API contract (section 6): length, character
// classes, no personal information, not on the banned list.  Every rule can
// be switched or tuned from the [passwords] configuration section.
//
// Definitions:
// - Length counts Unicode code points (a combining mark is one of its own).
// - Uppercase / lowercase: general category Lu / Ll.  Other letters (Lt, Lm,
//   Lo such as CJK) are letters of neither case.
// - Digit: general category Nd (any script's decimal digits).
// - Symbol: any code point that is not a letter (L*) or a digit (Nd); spaces,
//   punctuation, emoji, combining marks and non-decimal numbers such as '²'
//   all count.
// - Personal information: case-insensitively (fold_case in
//   banned_passwords.h), the password must not contain the email's local
//   part nor the first or last name (each taken whole, after trim_name),
//   each only when it is 3 or more code points long.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "forms/banned_passwords.h"

namespace authd::forms {

struct PasswordPolicy {
    int min_length = 8;  // in Unicode code points
    int max_length = 128;
    bool require_upper = true, require_lower = true, require_digit = true, require_symbol = true;
    bool forbid_personal = true;
    const BannedPasswords* banned = nullptr;  // optional; not owned, must outlive the policy's use
};

// The rules of [passwords] (the banned list is the caller's to load and
// attach: it must outlive the policy's use).
PasswordPolicy password_policy_of(const Config::Passwords& config);

// nullopt when `password` satisfies `policy`, else ONE message for
// fields.password / fields.newPassword: the first rule that fails, in this
// order (N and M from the policy):
//   "must be valid UTF-8"
//   "must be at least N characters"   ("1 character" when N is 1)
//   "must be at most M characters"
//   "must contain an uppercase letter"
//   "must contain a lowercase letter"
//   "must contain a digit"
//   "must contain a symbol"
//   "must not contain your email or name"
//   "is too common"
// `email` may be raw or normalised; the names raw or trimmed; any of them may
// be empty (then it is not checked).
std::optional<std::string> password_problem(const PasswordPolicy& policy, std::string_view password,
                                            std::string_view email, std::string_view first_name,
                                            std::string_view last_name);

}  // namespace authd::forms
