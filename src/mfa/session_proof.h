// mfa/session_proof.h
//
// Whether a login session has proved the user's second factor, which
// managing an active 2FA (new backup codes, turning it off) requires:
// otherwise whoever holds only the password could sign in while the
// second factor was still off, or race the enrolment, and later make the
// second factor worthless.
//
// A session has proved it when its amr has "otp" (a login through
// mfa/verify), or when it is the session that enrolled the 2FA: at
// verify-setup it showed a code of the new secret, but its amr stays
// ["pwd"] (a refresh keeps a session's amr; the contract says so).
// Enrolment ends every other session of the user, so a session refused
// here is one an operator minted (authctl token mint) or one from before
// this rule existed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authd::mfa {

// `enrolling_session` is empty when unknown (2FA enabled before the
// enrolling session was recorded).
bool session_proved_second_factor(const std::vector<std::string>& amr, std::string_view session_id,
                                  std::string_view enrolling_session);

}  // namespace authd::mfa
