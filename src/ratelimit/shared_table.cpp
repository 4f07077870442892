// ratelimit/shared_table.cpp
//
// The host-wide rate-limit table in anonymous shared memory.
//
// Layout: a header (the lock and the bucket count) followed by buckets of
// kWays slots each.  A key is hashed with SHA-256:
// 64 bits are its tag, 64 others choose its bucket.  A slot is
// (tag, window index, window end, count) and is free when its count is 0 or
// its window ended no later than the start of the caller's window.
//
// Concurrency: one process-shared, robust pthread mutex guards the whole
// table.  An increment holds it for a hash-free scan of eight slots, so
// contention between a host's workers is negligible, and a mutex is simpler
// to get right than lock-free slots, whose (tag, window, count) would have
// to change in one atomic step.  A worker SIGKILLed while holding it makes
// the next locker get EOWNERDEAD; that locker marks the mutex consistent and
// carries on.  The dead worker may have left one slot half-written (say a
// new tag with the old count), which can make that one counter wrong until
// its window ends; nothing else is at risk, as no update spans two slots.
//
// Full buckets: the new key takes over the bucket's least-used slot (the
// lowest count, then the earliest end), and the key it evicts starts again
// from 1 if it comes back.  The alternative, never evicting and counting
// the homeless keys in a shared counter, let anyone who can choose subjects
// (made-up emails on forgot-password) fill the table and then refuse every
// other client's first request.  Eviction keeps every count a count of its
// own key's requests, so nobody's limit depends on someone else's subjects;
// what a flood can do is make the least-used counters of a bucket forget,
// and a counter near its limit is the last to go, since each of the seven
// others would need a higher count.  Per-IP limits in front of the per-email
// ones bound how many subjects one address can make up.
#include "ratelimit/shared_table.h"

#include <pthread.h>
#include <sys/mman.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "core/log.h"
#include "crypto/digest.h"

namespace authd::ratelimit {

namespace {

struct Slot {
    uint64_t tag;
    int64_t window_index;
    int64_t window_end;
    uint64_t count;  // 0: never used
};

struct Bucket {
    Slot ways[SharedTable::kWays];
};

constexpr size_t kHeaderSize = 128;  // the header, padded to keep buckets off its cache lines

// The start of the caller's window: window_end is (index + 1) * seconds.
// For arguments that do not fit that, the start is unknown and no slot is
// presumed over (only never-used ones are free).
int64_t window_start(int64_t window_index, int64_t window_end) {
    if (window_index < 0 || window_index == INT64_MAX || window_end <= 0 ||
        window_end % (window_index + 1) != 0) {
        return INT64_MIN;
    }
    return window_end - window_end / (window_index + 1);
}

bool is_free(const Slot& slot, int64_t start) {
    return slot.count == 0 || slot.window_end <= start;
}

// Holds the robust mutex for one scope.
class Lock {
public:
    explicit Lock(pthread_mutex_t* mutex) : mutex_(mutex) {
        int rc = pthread_mutex_lock(mutex_);
        if (rc == EOWNERDEAD) {
            // We own the mutex; its previous owner died holding it.  See the
            // top comment for why carrying on is safe.
            pthread_mutex_consistent(mutex_);
            recovered_ = true;
            rc = 0;
        }
        error_ = rc;
    }
    ~Lock() {
        if (error_ == 0) pthread_mutex_unlock(mutex_);
    }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

    int error() const { return error_; }
    bool recovered() const { return recovered_; }

private:
    pthread_mutex_t* mutex_;
    int error_ = 0;
    bool recovered_ = false;
};

struct Counted {
    uint64_t count;
    bool evicted;  // the key took over a live counter of another key
};

// True when `a` should be evicted before `b`.
bool less_used(const Slot& a, const Slot& b) {
    return a.count < b.count || (a.count == b.count && a.window_end < b.window_end);
}

Counted count_in(Bucket& bucket, uint64_t tag, int64_t window_index, int64_t window_end) {
    const int64_t start = window_start(window_index, window_end);
    for (Slot& slot : bucket.ways) {
        if (slot.count != 0 && slot.tag == tag && slot.window_index == window_index &&
            slot.window_end == window_end) {
            return {++slot.count, false};
        }
    }
    Slot* victim = &bucket.ways[0];
    for (Slot& slot : bucket.ways) {
        if (is_free(slot, start)) {
            slot = Slot{tag, window_index, window_end, 1};
            return {1, false};
        }
        if (less_used(slot, *victim)) victim = &slot;
    }
    *victim = Slot{tag, window_index, window_end, 1};
    return {1, true};
}

}  // namespace

struct SharedTable::Shared {
    pthread_mutex_t mutex;
    uint64_t bucket_count;

    Bucket* buckets() {
        return reinterpret_cast<Bucket*>(reinterpret_cast<char*>(this) + kHeaderSize);
    }
};

Result<std::unique_ptr<SharedTable>> SharedTable::create(size_t slots) {
    static_assert(sizeof(Shared) <= kHeaderSize && kHeaderSize % alignof(Bucket) == 0);
    if (slots == 0) return fail(ErrorCode::invalid_input, "ratelimit table: 0 slots");
    const size_t bucket_count = slots / kWays + (slots % kWays != 0 ? 1 : 0);
    if (bucket_count > (SIZE_MAX - kHeaderSize) / sizeof(Bucket)) {
        return fail(ErrorCode::invalid_input, "ratelimit table: too many slots");
    }
    const size_t map_size = kHeaderSize + bucket_count * sizeof(Bucket);

    void* base = mmap(nullptr, map_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        return fail(ErrorCode::internal, std::string("ratelimit table: mmap: ") + strerror(errno));
    }
    Shared* shared = std::construct_at(static_cast<Shared*>(base));
    // Owns the mapping from here on, so every failure below unmaps it.
    std::unique_ptr<SharedTable> table(new SharedTable(shared, map_size));

    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0) {
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        if (rc == 0) rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
        if (rc == 0) rc = pthread_mutex_init(&shared->mutex, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (rc != 0) {
        return fail(ErrorCode::internal, std::string("ratelimit table: mutex: ") + strerror(rc));
    }
    shared->bucket_count = bucket_count;
    std::uninitialized_value_construct_n(shared->buckets(), bucket_count);
    return table;
}

SharedTable::~SharedTable() { munmap(shared_, map_size_); }

uint64_t SharedTable::increment(std::string_view key, int64_t window_index,
                                int64_t now_window_end) {
    const std::string digest = crypto::sha256(key);
    uint64_t tag = 0;
    uint64_t spread = 0;
    std::memcpy(&tag, digest.data(), sizeof tag);
    std::memcpy(&spread, digest.data() + sizeof tag, sizeof spread);
    Bucket& bucket = shared_->buckets()[spread % shared_->bucket_count];

    Counted counted{};
    bool recovered = false;
    int error = 0;
    {
        Lock lock(&shared_->mutex);
        error = lock.error();
        recovered = lock.recovered();
        if (error == 0) counted = count_in(bucket, tag, window_index, now_window_end);
    }
    // Logged outside the lock: a write() is slower than everything inside.
    if (recovered) log::warn("ratelimit_table_lock_recovered");
    if (error != 0) {
        log::error("ratelimit_table_lock_failed").str("reason", strerror(error));
        return UINT64_MAX;
    }
    if (counted.evicted) note_eviction();
    return counted.count;
}

void SharedTable::note_eviction() {
    ++evictions_;
    const auto now = std::chrono::steady_clock::now();
    if (evictions_logged_at_ && now - *evictions_logged_at_ < kEvictionLogInterval) return;
    log::warn("ratelimit_table_full").num("evictions", evictions_);
    evictions_logged_at_ = now;
    evictions_ = 0;
}

void SharedTable::lock_and_keep_for_test() { pthread_mutex_lock(&shared_->mutex); }

}  // namespace authd::ratelimit
