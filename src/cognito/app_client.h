// cognito/app_client.h
//
// The app client a call names, and the user it names: the door serves one
// pool and one client ([cognito] in the config).  A client with a secret
// proves it on every call with SECRET_HASH = Base64(HMAC-SHA256(secret,
// username + client_id)), compared in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/services.h"
#include "cognito/aws_json.h"

namespace authd::cognito {

// ResourceNotFoundException for another client id; NotAuthorizedException
// for a missing or wrong SECRET_HASH when the client has a secret.
Result<void, AwsError> check_client(const Config::Cognito& config, std::string_view client_id,
                                    const std::optional<std::string>& secret_hash,
                                    std::string_view username);

// The same for the body's ClientId and SecretHash.
Result<void, AwsError> check_client(const Config::Cognito& config, json::Object body,
                                    std::string_view username);

// A Cognito Username is the email the user signed up with (the pool signs
// in by email) or the user id (the `sub`, Cognito's username in such a
// pool); either way the account's email comes back, normalised.  An id
// that names no account comes back as an address under .invalid, which no
// account has: an unknown user takes the path of an unknown email.
Result<std::string, AwsError> email_of_username(api::Services& services,
                                                const std::string& username);

// Cognito's masked destination of a code mail: a***@e***.
std::string masked_email(std::string_view email);

}  // namespace authd::cognito
