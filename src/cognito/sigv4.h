// cognito/sigv4.h
//
// AWS Signature Version 4, as boto3 signs the Cognito admin operations:
// `Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/
// <service>/aws4_request, SignedHeaders=..., Signature=<hex>` over the
// canonical request (method, path, query, the signed headers trimmed, the
// body's SHA-256), dated by X-Amz-Date.  The secret is one of the access
// keys in the config ([cognito] admin_keys); the signature is recomputed
// with OpenSSL's HMAC and compared in constant time.  A date more than
// kMaxSkew from now is refused, so a captured request dies within minutes;
// within that window the door refuses a signature seen before
// (cognito/signature_store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cognito/aws_json.h"
#include "core/secret.h"
#include "http/request.h"

namespace authd::cognito {

inline constexpr int64_t kMaxSkew = 300;  // seconds either way

struct AccessKey {
    std::string id;
    Secret secret;
};

// "AKID1:secret1, AKID2:secret2"; nullopt when malformed (the config check).
std::optional<std::vector<AccessKey>> parse_access_keys(std::string_view text);

struct SigV4Authorization {
    std::string key_id;
    std::string date;  // yyyymmdd
    std::string region;
    std::string service;
    std::vector<std::string> signed_headers;  // lower case, as listed
    std::string signature;                    // lower-case hex
};

std::optional<SigV4Authorization> parse_authorization(std::string_view header);

// The canonical request AWS documents for SigV4, for `request` and
// the headers `signed_headers` names (content-type and content-length are
// FastCGI params, not HTTP_* ones, and are read from there).
std::string canonical_request(const http::Request& request,
                              const std::vector<std::string>& signed_headers);

// The hex signature of `canonical` for the scope of `auth`, dated `amz_date`.
std::string sigv4_signature(std::string_view secret, std::string_view amz_date,
                            const SigV4Authorization& auth, std::string_view canonical);

// "20261204T225300Z" as unix seconds; nullopt when malformed.
std::optional<int64_t> parse_amz_date(std::string_view text);

// Verifies the request's signature against `keys` at `now`: the key id the
// request was signed with, or AWS's refusal (MissingAuthenticationToken-
// Exception, UnrecognizedClientException, InvalidSignatureException).
// On success, the parsed Authorization (its signature refuses a replay).
Result<SigV4Authorization, AwsError> verify_sigv4(const http::Request& request,
                                                  const std::vector<AccessKey>& keys, int64_t now);

}  // namespace authd::cognito
