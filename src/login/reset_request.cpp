// login/reset_request.cpp
#include "login/reset_request.h"

#include "accounts/email_codes.h"
#include "core/human_duration.h"
#include "mail/outbox.h"

namespace authd::login {

Result<void> queue_reset_code(db::Transaction& tx, const keys::Keyring& keys, int code_ttl,
                              const accounts::User& user) {
    auto code = accounts::issue_code(tx, keys.hmac_key(), user.id,
                                     accounts::CodePurpose::password_reset, code_ttl);
    if (!code) return Unexpected{code.error()};
    return mail::enqueue(tx, keys, "password_reset", user.email,
                         {{"code", std::string(code->reveal())},
                          {"first_name", user.first_name},
                          {"code_lifetime", human_duration(code_ttl)}});
}

}  // namespace authd::login
