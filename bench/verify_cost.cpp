// bench/verify_cost.cpp: what a cache miss in the validator costs, stage by
// stage, in-process and without nginx or libfcgi.  Run by hand:
//   build/verify_cost [tokens]
// For each algorithm it mints `tokens` access tokens (default 20000) with
// keys made in a temp dir, then times each stage of verify_access_token
// over all of them, and the whole call, and prints microseconds per token.
// A ratio between rows of one run is what to read; the machine is shared.
#include <stdlib.h>
#include <time.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/jwt.h"
#include "json/document.h"
#include "keys/keyring.h"
#include "sessions/token.h"
#include "validate/token_cache.h"

namespace {

using namespace authd;

double now_us() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

template <typename F>
void row(const char* name, size_t n, F&& f) {
    const double start = now_us();
    size_t ok = 0;
    for (size_t i = 0; i < n; ++i) ok += f(i) ? 1 : 0;
    const double per = (now_us() - start) / static_cast<double>(n);
    std::printf("  %-34s %8.2f us%s\n", name, per, ok == n ? "" : "  (some failed!)");
}

int run(JwsAlg alg, const std::string& dir, size_t n) {
    if (auto made = keys::init_keys(dir, alg, true); !made) {
        std::fprintf(stderr, "verify_cost: %s\n", made.error().detail.c_str());
        return 1;
    }
    auto keys = keys::Keyring::load(dir, alg, 0);
    if (!keys) {
        std::fprintf(stderr, "verify_cost: %s\n", keys.error().detail.c_str());
        return 1;
    }
    Config::Tokens config;
    config.issuer = "http://bench.invalid";
    config.audience = "bench";
    const int64_t now = time(nullptr);
    sessions::TokenSubject subject{"0d8a5c1e-6f0b-4a53-9d5b-3f1f9d0a2c11",
                                   "bench@example.com",
                                   "Wrk",
                                   "Load",
                                   true,
                                   "5b0f3d2e-9a61-4c7e-8d2f-1e4b6a9c0d33",
                                   {"pwd"},
                                   now,
                                   0};
    std::vector<std::string> tokens;
    tokens.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        auto t = sessions::mint_access_token(*keys, config, subject, now);
        if (!t) return 1;
        tokens.push_back(std::move(*t));
    }
    std::printf("%s (%zu tokens of %zu bytes)\n", std::string(alg_name(alg)).c_str(), n,
                tokens[0].size());
    std::vector<crypto::DecodedJws> decoded(n);
    row("decode_jws (base64url x3)", n, [&](size_t i) {
        auto d = crypto::decode_jws(tokens[i]);
        if (d) decoded[i] = std::move(*d);
        return d.has_value();
    });
    row("parse header JSON", n,
        [&](size_t i) { return json::parse_object(decoded[i].header_json).has_value(); });
    const crypto::SigningKey& key = keys->signing_key();
    row("signature check", n,
        [&](size_t i) { return key.verify(decoded[i].signing_input, decoded[i].signature); });
    row("parse payload JSON", n,
        [&](size_t i) { return json::parse_object(decoded[i].payload_json).has_value(); });
    row("token cache key (SHA-256)", n,
        [&](size_t i) { return validate::TokenCache::key_of(tokens[i]).size() == 32; });
    validate::TokenCache cache;
    std::vector<sessions::AccessClaims> claims(n);
    row("verify_access_token (all of it)", n, [&](size_t i) {
        auto c = sessions::verify_access_token(*keys, config, tokens[i], now);
        if (c) claims[i] = std::move(*c);
        return c.has_value();
    });
    row("token cache insert", n, [&](size_t i) {
        cache.insert_key(validate::TokenCache::key_of(tokens[i]), std::move(claims[i]), now);
        return true;
    });
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 20000;
    char tmpl[] = "/tmp/authd-verify-cost.XXXXXX";
    if (!mkdtemp(tmpl)) return 1;
    const std::string dir = std::string(tmpl) + "/keys";
    int rc = 0;
    for (auto alg : {JwsAlg::es256, JwsAlg::eddsa, JwsAlg::rs256}) {
        if (rc == 0) rc = run(alg, dir, n);
    }
    std::filesystem::remove_all(tmpl);
    return rc;
}
