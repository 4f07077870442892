// validate/token_cache.cpp
//
// Two structures over the same entries: a hash map from the token's digest
// to its claims (the lookup of every request), and an ordered set of
// (valid_until, digest) that makes "expired first, then the closest to its
// end" eviction O(log n).  Both always hold exactly the same keys.
//
// An entry is usable exactly while verify_access_token would accept the
// token again: while now < exp.  Verification's other time check (iat
// not in the future) only grows more true as time passes, and a worker's
// keyring never changes (a reload starts new workers), so a hit answers
// what a fresh verification would.
#include "validate/token_cache.h"

#include "crypto/digest.h"

namespace authd::validate {

TokenCache::TokenCache(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {
    entries_.reserve(capacity_);
}

std::string TokenCache::key_of(std::string_view token) { return crypto::sha256(token); }

bool TokenCache::contains_key(std::string_view key) const {
    return entries_.find(key) != entries_.end();
}

void TokenCache::erase(Map::iterator it) {
    by_expiry_.erase({it->second.valid_until, it->first});
    entries_.erase(it);
}

const sessions::AccessClaims* TokenCache::find(std::string_view token, int64_t now) {
    return find_key(key_of(token), now);
}

const sessions::AccessClaims& TokenCache::insert(std::string_view token,
                                                 sessions::AccessClaims claims, int64_t now) {
    return insert_key(key_of(token), std::move(claims), now);
}

const sessions::AccessClaims* TokenCache::find_key(const std::string& key, int64_t now) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return nullptr;
    if (now > it->second.valid_until) {
        erase(it);
        return nullptr;
    }
    return &it->second.claims;
}

const sessions::AccessClaims& TokenCache::insert_key(std::string key, sessions::AccessClaims claims,
                                                     int64_t now) {
    if (auto it = entries_.find(key); it != entries_.end()) erase(it);
    while (!by_expiry_.empty() && now > by_expiry_.begin()->first) {
        erase(entries_.find(by_expiry_.begin()->second));
    }
    while (entries_.size() >= capacity_) {
        erase(entries_.find(by_expiry_.begin()->second));
    }
    const int64_t valid_until = claims.expires_at - 1;
    by_expiry_.emplace(valid_until, key);
    auto [it, inserted] = entries_.emplace(std::move(key), Entry{std::move(claims), valid_until});
    (void)inserted;
    return it->second.claims;
}

}  // namespace authd::validate
