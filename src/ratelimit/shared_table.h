// ratelimit/shared_table.h
//
// Rate-limit counters that every worker of one host shares: a fixed-size
// table in anonymous shared memory (mmap MAP_SHARED|MAP_ANONYMOUS), created
// by the master BEFORE it forks, so all workers see one set of counts
// (per-worker counts would multiply every limit by the number of workers).
// It is what decides while memcached is down; the Limiter writes every
// request through to it so the count is already there when that happens.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/result.h"

namespace authd::ratelimit {

class SharedTable {
public:
    // Maps a table of at least `slots` counters (rounded up to whole buckets
    // of kWays) and initialises its process-shared lock.  Call it in the
    // master before forking.  Fails with invalid_input for 0 or an absurd
    // size, internal when mmap or the mutex cannot be set up.
    static Result<std::unique_ptr<SharedTable>> create(size_t slots);

    // Unmaps this process's view.  The lock is not destroyed: other
    // processes may still hold the mapping (a robust, process-shared mutex
    // owns no kernel resource).
    ~SharedTable();
    SharedTable(const SharedTable&) = delete;
    SharedTable& operator=(const SharedTable&) = delete;

    // Adds one to the counter for (key, window_index) and returns the new
    // count.  Safe across processes, including one killed while inside.
    // `now_window_end` must be (window_index + 1) * window_seconds, as the
    // Limiter computes it; the table derives the window's start from the two
    // and treats any slot whose window ended by then as free (an older
    // window of the same key included).
    //
    // The returned count is the number of increments of (key, window_index)
    // so far, unless the key was evicted meanwhile: when a key finds its
    // bucket full of live counters, it takes over the least-used one, whose
    // key then starts again from 1.  So a count is never higher than its own
    // key's requests (a 64-bit tag collision aside), and nothing a client
    // does to other keys can make it refuse this one; a warning
    // "ratelimit_table_full" is logged at most once a minute per process
    // while evictions happen.  If the lock is unusable (which our use of it
    // rules out) it returns UINT64_MAX, which every limit refuses.
    uint64_t increment(std::string_view key, int64_t window_index, int64_t now_window_end);

    // Counters per bucket: a key hashes to one bucket and is looked for in
    // its kWays slots only, so an increment is O(1).
    static constexpr size_t kWays = 8;

private:
    struct Shared;
    friend struct SharedTableTestPeer;  // tests lock the table from a child they kill

    SharedTable(Shared* shared, size_t map_size) : shared_(shared), map_size_(map_size) {}
    // Takes the lock and never releases it: a test calls this in a child it
    // then kills, to show that the others recover the lock.
    void lock_and_keep_for_test();

    // Logs the eviction, or counts it for the next log line.
    void note_eviction();
    static constexpr std::chrono::seconds kEvictionLogInterval{60};

    Shared* shared_;
    size_t map_size_;
    // Per process (each worker has its own copy of this object).
    int64_t evictions_ = 0;
    std::optional<std::chrono::steady_clock::time_point> evictions_logged_at_;
};

}  // namespace authd::ratelimit
