// core/clock.h
//
// The clocks authd reads: wall-clock time for what is compared with other
// hosts and with Postgres (token iat/exp, code lives, the revoked set's
// window), the monotonic clock for durations and timeouts within a process
// (request timing, backoff, the master's respawn delay).
#pragma once

#include <time.h>

#include <cstdint>

namespace authd {

// Wall-clock seconds since the epoch.
inline int64_t unix_now() { return static_cast<int64_t>(::time(nullptr)); }

inline int64_t wall_clock_ms() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

inline int64_t monotonic_us() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

inline int64_t monotonic_ms() { return monotonic_us() / 1000; }

}  // namespace authd
