// sessions/token.cpp
#include "sessions/token.h"

#include <algorithm>

#include "crypto/encoding.h"
#include "crypto/jwt.h"
#include "crypto/random.h"
#include "json/document.h"
#include "json/writer.h"

namespace authd::sessions {
namespace {

std::string header_json(const crypto::SigningKey& key, std::string_view typ) {
    json::Writer w;
    w.begin_object();
    w.key("alg").string(alg_name(key.alg()));
    w.key("kid").string(key.kid());
    w.key("typ").string(typ);
    w.end_object();
    return std::move(w).str();
}

// A random RFC 4122 version 4 UUID, as Cognito's event_id is.
std::string random_uuid() {
    std::string b = crypto::random_bytes(16);
    b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
    const std::string hex = crypto::hex_encode(b);
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
           hex.substr(16, 4) + '-' + hex.substr(20);
}

void cognito_claims(json::Writer& w, const TokenSubject::Cognito& c) {
    w.key("origin_jti").string(c.origin_jti);
    w.key("event_id").string(random_uuid());
}

void common_claims(json::Writer& w, const Config::Tokens& config, const TokenSubject& s,
                   int64_t now, std::string_view token_use, std::string_view audience) {
    w.key("iss").string(s.cognito && !config.pool_issuer.empty() ? config.pool_issuer
                                                                 : config.issuer);
    w.key("sub").string(s.user_id);
    w.key("aud").string(audience);
    int64_t exp = now + config.access_ttl;
    if (s.session_expires > 0 && s.session_expires < exp) exp = s.session_expires;
    w.key("exp").number(exp);
    w.key("iat").number(now);
    w.key("jti").string(crypto::base64url_encode(crypto::random_bytes(16)));
    w.key("sid").string(s.session_id);
    w.key("token_use").string(token_use);
    w.key("auth_time").number(s.auth_time);
    w.key("amr").begin_array();
    for (const auto& m : s.amr) w.string(m);
    w.end_array();
}

Unexpected<TokenFailure> refuse(std::string reason, bool expired = false) {
    return {TokenFailure{expired, std::move(reason)}};
}

}  // namespace

Result<std::string> mint_access_token(const keys::Keyring& keys, const Config::Tokens& config,
                                      const TokenSubject& s, int64_t now) {
    json::Writer w;
    w.begin_object();
    common_claims(w, config, s, now, "access", config.audience);
    w.key("email").string(s.email);
    w.key("name").string(s.first_name + " " + s.last_name);
    // NB: only when there are groups, so the tokens of users without any
    // keep exactly the claims they had before groups existed.
    if (!s.groups.empty()) {
        w.key("groups").begin_array();
        for (const auto& g : s.groups) w.string(g);
        w.end_array();
    }
    if (s.cognito) {
        w.key("client_id").string(s.cognito->client_id);
        w.key("username").string(s.cognito->username);
        w.key("scope").string("aws.cognito.signin.user.admin");
        cognito_claims(w, *s.cognito);
    }
    w.end_object();
    const auto& key = keys.signing_key();
    return crypto::encode_jws(header_json(key, "at+jwt"), std::move(w).str(), key);
}

Result<std::string> mint_id_token(const keys::Keyring& keys, const Config::Tokens& config,
                                  const TokenSubject& s, int64_t now) {
    json::Writer w;
    w.begin_object();
    common_claims(w, config, s, now, "id", s.cognito ? s.cognito->client_id : config.audience);
    w.key("email").string(s.email);
    w.key("email_verified").boolean(s.email_verified);
    w.key("given_name").string(s.first_name);
    w.key("family_name").string(s.last_name);
    if (s.cognito) {
        w.key("cognito:username").string(s.cognito->username);
        cognito_claims(w, *s.cognito);
    }
    w.end_object();
    const auto& key = keys.signing_key();
    return crypto::encode_jws(header_json(key, "JWT"), std::move(w).str(), key);
}

Result<AccessClaims, TokenFailure> verify_access_token(const keys::Keyring& keys,
                                                       const Config::Tokens& config,
                                                       std::string_view token, int64_t now) {
    auto jws = crypto::decode_jws(token);
    if (!jws) return refuse("malformed");
    auto header = json::parse_object(jws->header_json);
    if (!header) return refuse("malformed_header");
    auto alg = header->root().find_string("alg");
    auto kid = header->root().find_string("kid");
    auto typ = header->root().find_string("typ");
    if (!alg || !*alg || !kid || !*kid || !typ) return refuse("malformed_header");
    const crypto::SigningKey* key = keys.find_key(**kid, now);
    if (!key) return refuse("unknown_kid");
    // NB: the key decides the algorithm; a header naming another one (none,
    // HS256 with the public key as secret) is refused before any check.
    if (**alg != alg_name(key->alg())) return refuse("alg_mismatch");
    if (!*typ || **typ != "at+jwt") return refuse("wrong_typ");
    if (!key->verify(jws->signing_input, jws->signature)) return refuse("bad_signature");

    auto payload = json::parse_object(jws->payload_json);
    if (!payload) return refuse("malformed_payload");
    json::Object c = payload->root();
    auto iss = c.find_string("iss");
    auto aud = c.find_string("aud");
    auto exp = c.find_int("exp");
    auto iat = c.find_int("iat");
    auto use = c.find_string("token_use");
    auto sub = c.find_string("sub");
    auto sid = c.find_string("sid");
    auto amr = c.find_string_array("amr");
    auto auth_time = c.find_int("auth_time");
    auto email = c.find_string("email");
    auto name = c.find_string("name");
    auto groups = c.find_string_array("groups");
    if (!iss || !aud || !exp || !iat || !use || !sub || !sid || !amr || !auth_time || !email ||
        !name || !groups) {
        return refuse("malformed_claims");
    }
    // find_* reads null as absent; a groups claim that is there must be a list.
    if (!*groups && c.has("groups")) return refuse("malformed_claims");
    if (!*use || **use != "access") return refuse("wrong_token_use");
    if (!*iss) return refuse("wrong_issuer");
    const bool pool_issued = !config.pool_issuer.empty() && **iss == config.pool_issuer;
    if (**iss != config.issuer && !pool_issued) return refuse("wrong_issuer");
    if (!*aud || **aud != config.audience) return refuse("wrong_audience");
    if (!*exp || !*iat || !*sub || !*sid || (*sub)->empty() || (*sid)->empty()) {
        return refuse("missing_claims");
    }
    if (**iat > now + config.leeway) return refuse("issued_in_future");
    // NB: exp is never stretched (RFC 7519 4.1.4: now must be before it);
    // the leeway is for iat, from a host whose clock runs a little ahead.
    if (now >= **exp) return refuse("expired", true);
    // NB: and never longer than access_ttl after iat, whatever exp says: a
    // token minted under a longer access_ttl, before a reload lowered it,
    // must not outlive the window in which the validator remembers its
    // session's revocation (validate/revoked_sessions.h), which is the
    // current access_ttl's.
    const int64_t life_end = **iat + config.access_ttl;
    if (now >= life_end) return refuse("expired_by_access_ttl", true);

    AccessClaims out;
    out.user_id = std::move(**sub);
    out.session_id = std::move(**sid);
    out.email = *email ? std::move(**email) : std::string();
    out.name = *name ? std::move(**name) : std::string();
    if (*amr) out.amr = std::move(**amr);
    if (*groups) out.groups = std::move(**groups);
    out.auth_time = *auth_time ? **auth_time : 0;
    out.expires_at = std::min(**exp, life_end);
    return out;
}

}  // namespace authd::sessions
