// validate/token_cache.h
//
// A validate worker's memory of access tokens it has already verified, so
// that a repeat check costs one SHA-256 and one hash lookup instead of a
// signature verification.  Keyed by the SHA-256 of the token, never the
// token itself; an entry lives as long as verify_access_token would still
// accept the token (until its exp) and no longer.  Bounded: when full, expired
// entries go first, then the ones closest to their end.
//
// The cache only remembers what verification said about the token's bytes;
// whether its session has been revoked since is not its business (the
// caller consults the revoked set on every request, hit or miss).
// Single-threaded, like the worker that owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "sessions/token.h"

namespace authd::validate {

class TokenCache {
public:
    static constexpr size_t kDefaultCapacity = 10000;

    // `capacity` is at least 1.
    explicit TokenCache(size_t capacity = kDefaultCapacity);

    // The claims verified earlier for `token`, or nullptr when it was never
    // inserted, has been evicted, or has reached its exp at `now` (unix
    // seconds; such an entry is dropped).  The pointer is valid until the
    // next insert().
    const sessions::AccessClaims* find(std::string_view token, int64_t now);

    // Remembers `claims`, which verify_access_token has just accepted for
    // `token` at `now`.  Evicts as described above when full.  Returns the
    // stored claims (valid until the next insert()).
    const sessions::AccessClaims& insert(std::string_view token, sessions::AccessClaims claims,
                                         int64_t now);

    // The same, for a key already computed with key_of(): the validator
    // hashes each token once, hit or miss.
    const sessions::AccessClaims* find_key(const std::string& key, int64_t now);
    const sessions::AccessClaims& insert_key(std::string key, sessions::AccessClaims claims,
                                             int64_t now);

    size_t size() const { return entries_.size(); }
    size_t capacity() const { return capacity_; }

    // The key an entry is stored under: the raw 32-byte SHA-256 of the token.
    static std::string key_of(std::string_view token);
    bool contains_key(std::string_view key) const;

private:
    struct Entry {
        sessions::AccessClaims claims;
        int64_t valid_until;  // exp - 1: the last second it is accepted in
    };
    // The key is already a uniformly distributed digest: its first bytes
    // are as good a hash as any.
    struct DigestHash {
        using is_transparent = void;
        size_t operator()(std::string_view key) const noexcept {
            size_t h = 0;
            std::memcpy(&h, key.data(), key.size() < sizeof h ? key.size() : sizeof h);
            return h;
        }
    };

    using Map = std::unordered_map<std::string, Entry, DigestHash, std::equal_to<>>;

    void erase(Map::iterator it);

    size_t capacity_;
    Map entries_;
    std::set<std::pair<int64_t, std::string>> by_expiry_;  // (valid_until, key)
};

}  // namespace authd::validate
