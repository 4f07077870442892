// sessions/token.h
//
// What authd's tokens say and when one is acceptable (contract section 5).
// crypto/jwt signs and checks bytes; this file decides claims.
//
// Access token: header {alg, kid, typ: "at+jwt"}; claims iss, sub, aud,
// exp, iat, jti, sid, token_use: "access", amr, auth_time, email, name,
// and groups (a JSON array of the user's group names, sorted) only when the
// user is in at least one group: a token without groups has no such claim.
// Id token: typ "JWT", token_use "id", email, email_verified, given_name,
// family_name, auth_time, amr.
//
// Tokens issued through the Cognito-compatible door (cognito/) carry
// Cognito's claims as well: the access token client_id, username, scope,
// origin_jti, event_id (and keeps aud, so the validator takes it like any
// other); the id token cognito:username, origin_jti, event_id and the app
// client id as its aud, which is what Cognito users check id tokens for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "keys/keyring.h"

namespace authd::sessions {

struct TokenSubject {
    std::string user_id;
    std::string email;
    std::string first_name;
    std::string last_name;
    bool email_verified = false;
    std::string session_id;
    std::vector<std::string> amr;
    int64_t auth_time = 0;
    // The session's end (unix seconds; 0: none): no token outlives it.
    int64_t session_expires = 0;
    // The user's groups, sorted (accounts::groups_of); the access token
    // carries them when there are any.  The id token never does.
    std::vector<std::string> groups;
    struct Cognito {
        std::string client_id;
        std::string username;    // cognito:username / username: the user id
        std::string origin_jti;  // the session id: what one sign-in's tokens share
    };
    std::optional<Cognito> cognito;  // set: a Cognito-door token
};

Result<std::string> mint_access_token(const keys::Keyring& keys, const Config::Tokens& config,
                                      const TokenSubject& subject, int64_t now);
Result<std::string> mint_id_token(const keys::Keyring& keys, const Config::Tokens& config,
                                  const TokenSubject& subject, int64_t now);

struct AccessClaims {
    std::string user_id;     // sub
    std::string session_id;  // sid
    std::string email;
    std::string name;
    std::vector<std::string> amr;
    std::vector<std::string> groups;  // empty when the claim is absent
    int64_t auth_time = 0;
    int64_t expires_at = 0;  // exp, or iat + access_ttl when that is earlier
};

struct TokenFailure {
    bool expired = false;  // TOKEN_EXPIRED rather than INVALID_TOKEN
    std::string reason;    // for the log: "bad_signature", "unknown_kid", ...
};

// Verifies signature and claims: the alg of the key named by kid (a key
// that verifies at `now`, keys::Keyring::find_key; never the header's
// say-so alone; "none" never), typ at+jwt, iss, aud, exp (refused from exp
// on: no leeway), iat not more than `leeway` seconds in the future, and
// not `access_ttl` or more seconds in the past (TOKEN_EXPIRED: a token
// minted before a reload lowered access_ttl lives no longer than the
// current access_ttl; AccessClaims::expires_at is the earlier of the two
// ends), token_use "access", sub, sid.  `groups` may be absent
// (no groups); present, it must be an array of strings ("malformed_claims"
// otherwise, JSON null included).
Result<AccessClaims, TokenFailure> verify_access_token(const keys::Keyring& keys,
                                                       const Config::Tokens& config,
                                                       std::string_view token, int64_t now);

}  // namespace authd::sessions
