// login/second_factor.h
//
// The second factor: a TOTP code or, where allowed, a backup code, and the
// code step of a sign-in.  TOTP codes are matched in constant time for
// steps -1, 0, +1 and the matched step is consumed atomically, so a code
// works once; backup codes are one use each.  The code step looks at the
// challenge before the code (an unknown, expired, used or burnt one is dead
// whatever the code), then whether the account is disabled (a disable ends
// its challenges, so this is the belt to those braces), then at the
// account lockout, then at the code; a
// wrong code counts against both the challenge and the lockout.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "audit/audit.h"
#include "core/secret.h"
#include "login/context.h"
#include "login/issue.h"
#include "login/password_login.h"

namespace authd::login {

// Whether `code` is a valid second factor of `user_id` for `secret` (its
// decrypted TOTP secret), consuming what it accepts.
Result<bool> check_second_factor(Context& ctx, db::Transaction& tx, const std::string& user_id,
                                 const Secret& secret, std::string_view code, bool allow_backup);

struct ChallengeDead {
    const char* reason;  // for the log
};
struct WrongCode {};
struct SignedInWithSecondFactor {
    SignedIn signed_in;
    bool set_cookie = false;  // as the password step asked
};

using SecondFactorOutcome =
    std::variant<ChallengeDead, Locked, AccountDisabled, WrongCode, SignedInWithSecondFactor>;

// The code step of a sign-in, for the challenge `session_token`.  Every
// outcome is to be committed.
Result<SecondFactorOutcome> second_factor_login(Context& ctx, db::Transaction& tx,
                                                std::string_view session_token,
                                                std::string_view code, const audit::Origin& origin);

}  // namespace authd::login
