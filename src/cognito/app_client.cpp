// cognito/app_client.cpp
#include "cognito/app_client.h"

#include "accounts/user_store.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "forms/email.h"
#include "sessions/session_store.h"

namespace authd::cognito {

Result<void, AwsError> check_client(const Config::Cognito& config, std::string_view client_id,
                                    const std::optional<std::string>& secret_hash,
                                    std::string_view username) {
    if (client_id != config.client_id) {
        return aws_refuse("ResourceNotFoundException",
                          "User pool client " + std::string(client_id) + " does not exist.",
                          "unknown_client_id");
    }
    if (config.client_secret.empty()) return {};
    if (!secret_hash || secret_hash->empty()) {
        return aws_refuse(
            "NotAuthorizedException",
            "Client " + config.client_id + " is configured for secret but secret was not received",
            "secret_hash_missing");
    }
    const std::string expected = crypto::base64_encode(crypto::hmac_sha256(
        config.client_secret.reveal(), std::string(username) + config.client_id));
    if (!crypto::equal_constant_time(expected, *secret_hash)) {
        return aws_refuse("NotAuthorizedException",
                          "Unable to verify secret hash for client " + config.client_id,
                          "secret_hash_wrong");
    }
    return {};
}

Result<void, AwsError> check_client(const Config::Cognito& config, json::Object body,
                                    std::string_view username) {
    auto client_id = required_string(body, "ClientId");
    if (!client_id) return Unexpected{client_id.error()};
    auto hash = optional_string(body, "SecretHash");
    if (!hash) return Unexpected{hash.error()};
    return check_client(config, *client_id, *hash, username);
}

Result<std::string, AwsError> email_of_username(api::Services& s, const std::string& username) {
    if (!sessions::is_uuid(username)) return forms::normalize_email(username);
    auto user = accounts::find_user_by_id(s.db, username);
    if (!user) {
        AwsError e{"InternalErrorException", "Internal error", 500, user.error().detail};
        return Unexpected{e};
    }
    // NB: an unknown id becomes an address no account has (.invalid is
    // reserved, RFC 2606), so it takes every step an unknown email takes
    // (the same Argon2 work at sign-in, the same answers), not a shortcut
    // that would tell ids apart.
    return *user ? (*user)->email : username + "@unknown.invalid";
}

std::string masked_email(std::string_view email) {
    const size_t at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= email.size()) return "***";
    return std::string(1, email[0]) + "***@" + std::string(1, email[at + 1]) + "***";
}

}  // namespace authd::cognito
