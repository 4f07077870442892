// login/outcome_metrics.h
//
// A committed sign-in step in the host's metrics (authd_logins_total,
// authd_mfa_verifications_total).  Every door (the REST API, the login
// page's form) calls these after its transaction committed, so an outcome
// rolled back is never counted and the doors count alike.
#pragma once

#include "login/password_login.h"
#include "login/second_factor.h"

namespace authd::login {

void count_outcome(const PasswordOutcome& outcome);
void count_outcome(const SecondFactorOutcome& outcome);

}  // namespace authd::login
