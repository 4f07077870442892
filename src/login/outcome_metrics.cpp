// login/outcome_metrics.cpp
//
// The outcome types map one to one onto the metrics' events; a new outcome
// fails to compile here until it has one.
#include "login/outcome_metrics.h"

#include "core/overloaded.h"
#include "metrics/shared_counters.h"

namespace authd::login {

void count_outcome(const PasswordOutcome& outcome) {
    using metrics::Event;
    metrics::count(std::visit(
        Overloaded{
            [](const Locked&) { return Event::login_locked; },
            [](const BadCredentials&) { return Event::login_bad_credentials; },
            [](const EmailNotVerified&) { return Event::login_email_not_verified; },
            [](const AccountDisabled&) { return Event::login_account_disabled; },
            [](const PasswordResetRequired&) { return Event::login_password_reset_required; },
            [](const SecondFactorNeeded&) { return Event::login_mfa_challenge; },
            [](const SignedIn&) { return Event::login_ok; },
        },
        outcome));
}

void count_outcome(const SecondFactorOutcome& outcome) {
    using metrics::Event;
    metrics::count(
        std::visit(Overloaded{
                       [](const ChallengeDead&) { return Event::mfa_challenge_dead; },
                       [](const Locked&) { return Event::mfa_locked; },
                       [](const WrongCode&) { return Event::mfa_wrong_code; },
                       [](const AccountDisabled&) { return Event::mfa_account_disabled; },
                       [](const SignedInWithSecondFactor&) { return Event::mfa_ok; },
                   },
                   outcome));
}

}  // namespace authd::login
