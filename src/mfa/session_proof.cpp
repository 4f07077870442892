// mfa/session_proof.cpp
#include "mfa/session_proof.h"

#include <algorithm>

namespace authd::mfa {

bool session_proved_second_factor(const std::vector<std::string>& amr, std::string_view session_id,
                                  std::string_view enrolling_session) {
    if (std::find(amr.begin(), amr.end(), "otp") != amr.end()) return true;
    return !enrolling_session.empty() && session_id == enrolling_session;
}

}  // namespace authd::mfa
