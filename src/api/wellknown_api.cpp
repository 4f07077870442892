// api/wellknown_api.cpp
#include "api/wellknown_api.h"

#include <set>

#include "api/services.h"
#include "core/clock.h"
#include "json/writer.h"

namespace authd::api {

Answer get_jwks(Services& s, const Call&) {
    // Every key that may still verify a live token, and no other: the keys
    // of the configured algorithm and the retired ones within their life
    // (keys/keyring.h).
    std::string body = "{\"keys\":[";
    bool first = true;
    for (const crypto::SigningKey* key : s.keys.verification_keys(unix_now())) {
        if (!first) body += ',';
        body += key->public_jwk_json();
        first = false;
    }
    body += "]}";
    return http::json_response(200, std::move(body));
}

Answer get_openid_configuration(Services& s, const Call&) {
    return openid_configuration_of(s, s.config.tokens.issuer);
}

Answer openid_configuration_of(Services& s, const std::string& issuer) {
    std::set<std::string_view> algs;
    for (const crypto::SigningKey* key : s.keys.verification_keys(unix_now())) {
        algs.insert(alg_name(key->alg()));
    }
    json::Writer w;
    w.begin_object();
    w.key("issuer").string(issuer);
    w.key("jwks_uri").string(issuer + "/.well-known/jwks.json");
    w.key("id_token_signing_alg_values_supported").begin_array();
    for (auto a : algs) w.string(a);
    w.end_array();
    w.key("subject_types_supported").begin_array().string("public").end_array();
    w.key("response_types_supported").begin_array().string("token").end_array();
    w.key("claims_supported").begin_array();
    for (const char* c : {"iss", "sub", "aud", "exp", "iat", "jti", "sid", "auth_time", "amr",
                          "email", "email_verified", "name", "given_name", "family_name"}) {
        w.string(c);
    }
    w.end_array();
    w.end_object();
    return http::json_response(200, std::move(w).str());
}

}  // namespace authd::api
