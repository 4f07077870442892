// metrics/counters.h
//
// What authd counts, as fixed arrays indexed by enums: the layout of the
// table every process of a host shares (metrics/shared_counters.h).  There
// are no free-form labels: a route is a slot of the route table, a status
// a slot of 100..599, an outcome an enumerator, so the table has one size
// for the life of the master and nothing a client sends can grow it.
//
// Every cell is a std::atomic<uint64_t>, lock-free (checked below), so
// workers add to it with one relaxed fetch_add and a worker killed at any
// point leaves every cell consistent; a scrape reads cell by cell and may
// see one request's count without its duration, which Prometheus tolerates.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace authd::metrics {

// Route slots of authd_http_requests_total and the duration histogram.
// The API pool's routes take the slots from kFirstApiRoute in the order of
// its route table (api/routes.cpp); routes sharing a pattern share a slot.
inline constexpr size_t kRouteSlots = 64;
inline constexpr size_t kRouteOther = 0;     // no route matched
inline constexpr size_t kRouteValidate = 1;  // the validate pool's /auth/validate
inline constexpr size_t kRouteMetrics = 2;   // GET /metrics on the metrics listener
inline constexpr size_t kFirstApiRoute = 3;

// Statuses 100..599, one slot each.
inline constexpr int kFirstStatus = 100;
inline constexpr size_t kStatusSlots = 500;

// Upper bounds of the duration histogram's buckets, in microseconds; one
// more bucket (+Inf) holds the rest.
inline constexpr std::array<uint64_t, 12> kDurationBoundsUs = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 10000000};
inline constexpr size_t kDurationBuckets = kDurationBoundsUs.size() + 1;

// The counters that are not per route.  The exposition (exposition.cpp)
// says which metric family and label value each one is.
enum class Event : uint16_t {
    login_ok,
    login_bad_credentials,
    login_locked,
    login_mfa_challenge,
    login_email_not_verified,
    login_account_disabled,
    login_password_reset_required,
    mfa_ok,
    mfa_wrong_code,
    mfa_locked,
    mfa_challenge_dead,
    mfa_account_disabled,
    refresh_rotated,
    refresh_reuse_detected,
    validator_allowed,
    validator_invalid_token,
    validator_token_expired,
    validator_mfa_required,
    validator_group_required,
    validator_forbidden_header,
    validator_unavailable,
    token_cache_hit,
    token_cache_miss,
    rate_limited,
    mail_delivery_failed,
    postgres_error,
    memcached_error,
    worker_restart_api,
    worker_restart_validate,
    worker_restart_mailer,
    count_  // not an event: the number of them
};
inline constexpr size_t kEvents = static_cast<size_t>(Event::count_);

// Each validate worker's last successful refresh of its revoked set, so a
// scrape can report the oldest.  A worker claims a free slot by its pid;
// the master frees the slot when it reaps the worker.
inline constexpr size_t kRevokedSetSlots = 64;
struct RevokedSetSlot {
    std::atomic<int64_t> pid;           // 0: free
    std::atomic<int64_t> refreshed_ms;  // wall-clock ms (the set's own clock); 0: never
};

struct Counters {
    std::atomic<uint64_t> requests[kRouteSlots][kStatusSlots];
    std::atomic<uint64_t> duration_buckets[kRouteSlots][kDurationBuckets];  // not cumulative
    std::atomic<uint64_t> duration_sum_us[kRouteSlots];
    std::atomic<uint64_t> events[kEvents];
    RevokedSetSlot revoked_sets[kRevokedSetSlots];
};

static_assert(std::atomic<uint64_t>::is_always_lock_free &&
                  std::atomic<int64_t>::is_always_lock_free,
              "the counters are shared between processes: they must not need a lock");

// The slot of a status code; one outside 100..599 (no handler makes one)
// is clamped to the nearest end.
inline size_t status_slot(int status) {
    if (status < kFirstStatus) return 0;
    if (status >= kFirstStatus + static_cast<int>(kStatusSlots)) return kStatusSlots - 1;
    return static_cast<size_t>(status - kFirstStatus);
}

// The histogram bucket of a duration: the first whose bound is >= it.
inline size_t duration_bucket(uint64_t duration_us) {
    size_t i = 0;
    while (i < kDurationBoundsUs.size() && duration_us > kDurationBoundsUs[i]) ++i;
    return i;
}

}  // namespace authd::metrics
