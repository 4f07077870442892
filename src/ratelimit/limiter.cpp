// ratelimit/limiter.cpp
//
// Fixed windows counted in memcached, written through to the host's shared
// table.  The window index is part of the key, so a new window is a new
// counter starting at 1 and old ones simply expire (TTL: the window plus a
// minute for clocks that differ between hosts).  Every request increments
// both stores, whether memcached answers or not, so that when memcached goes
// away mid-window the table already holds this host's count and the limit
// carries on from there instead of starting again.
//
// The decision takes the higher of memcached's count (all hosts) and the
// table's (this host), so a memcached that restarts empty mid-window does
// not reset the limit.  Both count only the subject's own requests (the
// table evicts rather than shares a counter when it is full: see
// shared_table.cpp), so no other client's subjects can raise either.
#include "ratelimit/limiter.h"

#include <algorithm>

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace authd::ratelimit {

namespace {

constexpr int kTtlSlack = 60;
// memcached reads an expiry above 30 days as an absolute unix time.
constexpr int kMaxRelativeTtl = 30 * 24 * 3600;
constexpr size_t kSubjectHexDigits = 32;

std::string subject_hex(std::string_view subject) {
    return crypto::hex_encode(crypto::sha256(subject)).substr(0, kSubjectHexDigits);
}

std::string make_key(std::string_view name, int64_t window_index, const std::string& hex) {
    std::string key = "rl:";
    key.append(name);
    key.push_back(':');
    key.append(std::to_string(window_index));
    key.push_back(':');
    key.append(hex);
    return key;
}

}  // namespace

Window window_at(int64_t now, int window_seconds) {
    const int64_t seconds = window_seconds > 0 ? window_seconds : 1;
    int64_t index = now / seconds;
    if (now % seconds != 0 && now < 0) --index;  // floor, not truncation
    return {index, (index + 1) * seconds};
}

std::string cache_key(std::string_view name, int64_t window_index, std::string_view subject) {
    return make_key(name, window_index, subject_hex(subject));
}

Limiter::Limiter(cache::Client& cache, SharedTable* table) : cache_(cache), table_(table) {}

Decision Limiter::hit(const Limit& limit, std::string_view subject, int64_t now) {
    const Window window = window_at(now, limit.window_seconds);
    const std::string hex = subject_hex(subject);
    const int window_seconds = limit.window_seconds > 0 ? limit.window_seconds : 1;
    const int ttl = window_seconds <= kMaxRelativeTtl - kTtlSlack ? window_seconds + kTtlSlack : 0;

    auto cached = cache_.increment(make_key(limit.name, window.index, hex), ttl);
    // NB: the table is incremented even when memcached answered: it must
    // hold this request if memcached fails later in the window.  Its key
    // leaves out the window, so a subject's successive windows fall in one
    // bucket, where the ended one's slot is free for the next.
    uint64_t local = 0;
    if (table_ != nullptr) {
        std::string table_key(limit.name);
        table_key.push_back(':');
        table_key.append(hex);
        local = table_->increment(table_key, window.index, window.end);
    }

    const bool down = !cached.has_value();
    if (down && !cache_down_) {
        log::warn("ratelimit_cache_down").str("reason", cached.error().detail);
    } else if (!down && cache_down_) {
        log::info("ratelimit_cache_up");
    }
    cache_down_ = down;

    Decision decision{};
    decision.cache_down = down;
    // The higher of the two: memcached counts every host, the table this
    // host, which also covers a memcached that came back empty mid-window.
    decision.count = down ? local : std::max(*cached, local);
    decision.retry_after = static_cast<int>(window.end - now);
    if (decision.retry_after < 1) decision.retry_after = 1;
    if (down && table_ == nullptr) {
        decision.allowed = true;  // nothing counted it: see the header
    } else {
        decision.allowed = limit.max > 0 && decision.count <= static_cast<uint64_t>(limit.max);
    }
    return decision;
}

}  // namespace authd::ratelimit
