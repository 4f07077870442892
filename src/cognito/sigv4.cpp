// cognito/sigv4.cpp
#include "cognito/sigv4.h"

#include <algorithm>
#include <ctime>

#include "core/ascii.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace authd::cognito {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Trimall: outer spaces gone, inner runs of spaces as one.
std::string trimall(std::string_view s) {
    s = trim(s);
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t') {
            space = true;
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    while (true) {
        const size_t at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos) break;
        s.remove_prefix(at + 1);
    }
    return out;
}

bool lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Unexpected<AwsError> refuse(std::string type, std::string message, std::string reason) {
    return aws_refuse(std::move(type), std::move(message), std::move(reason));
}

// The canonical query string: pairs sorted, each already percent-encoded
// the way AWS encodes (boto3 sends none for the Cognito operations).
std::string canonical_query(std::string_view query) {
    if (query.empty()) return {};
    std::vector<std::string> pairs;
    for (std::string_view p : split(query, '&')) {
        if (p.empty()) continue;
        std::string pair(p);
        if (pair.find('=') == std::string::npos) pair += '=';
        pairs.push_back(std::move(pair));
    }
    std::sort(pairs.begin(), pairs.end());
    std::string out;
    for (const auto& p : pairs) {
        if (!out.empty()) out += '&';
        out += p;
    }
    return out;
}

}  // namespace

std::optional<std::vector<AccessKey>> parse_access_keys(std::string_view text) {
    std::vector<AccessKey> keys;
    for (std::string_view item : split(text, ',')) {
        item = trim(item);
        if (item.empty()) continue;
        const size_t colon = item.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon + 1 >= item.size()) {
            return std::nullopt;
        }
        keys.push_back(
            {std::string(item.substr(0, colon)), Secret(std::string(item.substr(colon + 1)))});
    }
    return keys;
}

std::optional<SigV4Authorization> parse_authorization(std::string_view header) {
    constexpr std::string_view kScheme = "AWS4-HMAC-SHA256 ";
    if (!header.starts_with(kScheme)) return std::nullopt;
    header.remove_prefix(kScheme.size());
    SigV4Authorization a;
    bool credential = false;
    bool headers = false;
    for (std::string_view part : split(header, ',')) {
        part = trim(part);
        const size_t eq = part.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view name = part.substr(0, eq);
        const std::string_view value = part.substr(eq + 1);
        if (name == "Credential") {
            auto scope = split(value, '/');
            if (scope.size() != 5 || scope[4] != "aws4_request" || scope[1].size() != 8) {
                return std::nullopt;
            }
            a.key_id = scope[0];
            a.date = scope[1];
            a.region = scope[2];
            a.service = scope[3];
            credential = true;
        } else if (name == "SignedHeaders") {
            for (std::string_view h : split(value, ';')) {
                if (h.empty()) return std::nullopt;
                a.signed_headers.push_back(ascii_lowered(h));
            }
            headers = true;
        } else if (name == "Signature") {
            a.signature = std::string(value);
        }
    }
    if (!credential || !headers || a.signature.size() != 64 || !lower_hex(a.signature)) {
        return std::nullopt;
    }
    return a;
}

std::string canonical_request(const http::Request& r,
                              const std::vector<std::string>& signed_headers) {
    std::string out = std::string(http::method_name(r.method));
    out += '\n';
    out += r.path.empty() ? "/" : r.path;
    out += '\n';
    out += canonical_query(r.query);
    out += '\n';
    std::string names;
    for (const auto& name : signed_headers) {
        std::string value;
        if (name == "content-type") {
            value = r.content_type;
        } else if (name == "content-length") {
            value = std::to_string(r.body.size());
        } else if (const std::string* h = r.header(name)) {
            value = *h;
        }
        out += name + ':' + trimall(value) + '\n';
        if (!names.empty()) names += ';';
        names += name;
    }
    out += '\n';
    out += names;
    out += '\n';
    out += crypto::hex_encode(crypto::sha256(r.body));
    return out;
}

std::string sigv4_signature(std::string_view secret, std::string_view amz_date,
                            const SigV4Authorization& a, std::string_view canonical) {
    const std::string scope = a.date + '/' + a.region + '/' + a.service + "/aws4_request";
    const std::string to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + '\n' + scope + '\n' +
                                crypto::hex_encode(crypto::sha256(canonical));
    Secret key("AWS4" + std::string(secret));
    Secret k_date(crypto::hmac_sha256(key.reveal(), a.date));
    Secret k_region(crypto::hmac_sha256(k_date.reveal(), a.region));
    Secret k_service(crypto::hmac_sha256(k_region.reveal(), a.service));
    Secret k_signing(crypto::hmac_sha256(k_service.reveal(), "aws4_request"));
    return crypto::hex_encode(crypto::hmac_sha256(k_signing.reveal(), to_sign));
}

std::optional<int64_t> parse_amz_date(std::string_view t) {
    if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
    auto digits = [&](size_t at, size_t n) -> std::optional<int> {
        int v = 0;
        for (size_t i = at; i < at + n; ++i) {
            if (t[i] < '0' || t[i] > '9') return std::nullopt;
            v = v * 10 + (t[i] - '0');
        }
        return v;
    };
    auto y = digits(0, 4), mo = digits(4, 2), d = digits(6, 2);
    auto h = digits(9, 2), mi = digits(11, 2), s = digits(13, 2);
    if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
        *mi > 59 || *s > 60) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = *y - 1900;
    tm.tm_mon = *mo - 1;
    tm.tm_mday = *d;
    tm.tm_hour = *h;
    tm.tm_min = *mi;
    tm.tm_sec = *s;
    return static_cast<int64_t>(timegm(&tm));
}

Result<SigV4Authorization, AwsError> verify_sigv4(const http::Request& request,
                                                  const std::vector<AccessKey>& keys, int64_t now) {
    const std::string* header = request.header("authorization");
    if (!header) {
        return refuse("MissingAuthenticationTokenException", "Missing Authentication Token",
                      "sigv4_missing");
    }
    auto auth = parse_authorization(*header);
    if (!auth) {
        return refuse("IncompleteSignatureException",
                      "Authorization header requires Credential, SignedHeaders and Signature",
                      "sigv4_malformed");
    }
    const std::string* amz_date = request.header("x-amz-date");
    auto when = amz_date ? parse_amz_date(*amz_date) : std::nullopt;
    if (!when || !amz_date->starts_with(auth->date) ||
        std::find(auth->signed_headers.begin(), auth->signed_headers.end(), "x-amz-date") ==
            auth->signed_headers.end() ||
        std::find(auth->signed_headers.begin(), auth->signed_headers.end(), "host") ==
            auth->signed_headers.end()) {
        return refuse("IncompleteSignatureException",
                      "X-Amz-Date and Host must be present and signed", "sigv4_unsigned_date");
    }
    auto key = std::find_if(keys.begin(), keys.end(),
                            [&](const AccessKey& k) { return k.id == auth->key_id; });
    if (key == keys.end()) {
        return refuse("UnrecognizedClientException",
                      "The security token included in the request is invalid.",
                      "sigv4_unknown_key");
    }
    const std::string expected = sigv4_signature(key->secret.reveal(), *amz_date, *auth,
                                                 canonical_request(request, auth->signed_headers));
    // NB: the signature before the date, so that a request which is not
    // signed with the key learns nothing about the clock.
    if (!crypto::equal_constant_time(expected, auth->signature)) {
        return refuse("InvalidSignatureException",
                      "The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method.",
                      "sigv4_bad_signature");
    }
    if (*when > now + kMaxSkew || *when < now - kMaxSkew) {
        return refuse("InvalidSignatureException",
                      "Signature expired: " + *amz_date +
                          " is now earlier or later than the "
                          "allowed 5 minutes from the server's time.",
                      "sigv4_stale_date");
    }
    return std::move(*auth);
}

}  // namespace authd::cognito
