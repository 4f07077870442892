// ratelimit/shared_table.cpp
//
// The host-wide rate-limit table in anonymous shared memory.
//
// Layout: a header (the lock and the bucket count) followed by buckets of
// kWays slots and one overflow counter each.  A key is hashed with SHA-256:
// 64 bits are its tag, 64 others choose its bucket.  A slot is
// (tag, window index, window end, count) and is free when its count is 0 or
// its window ended no later than the start of the caller's window.
//
// Concurrency: one process-shared, robust pthread mutex guards the whole
// table.  An increment holds it for a hash-free scan of nine slots, so
// contention between a host's workers is negligible, and a mutex is simpler
// to get right than lock-free slots, whose (tag, window, count) would have
// to change in one atomic step.  A worker SIGKILLed while holding it makes
// the next locker get EOWNERDEAD; that locker marks the mutex consistent and
// carries on.  The dead worker may have left one slot half-written (say a
// new tag with the old count), which can make that one counter wrong until
// its window ends; nothing else is at risk, as no update spans two slots.
//
// Full buckets: a live counter is never evicted (that would let a flood of
// new subjects reset everyone's count).  A key that finds neither its own
// slot nor a free one counts in the bucket's overflow counter, shared by all
// such keys, whose window end is the latest of theirs, so it is reset only
// once every window counted in it is over.  Such a key never finds a free
// slot later in its window, so never starts afresh: when it overflowed,
// every slot had count > 0 and ended after the key's window start, and a
// slot is only ever rewritten by a caller whose window starts after the
// slot's end, with a later end still.  So a count never falls below the true
// count, and a full bucket limits too much, never too little.
#include "ratelimit/shared_table.h"

#include <pthread.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
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
    Slot overflow;  // only window_end and count are used
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
    bool overflow_started;
};

Counted count_in(Bucket& bucket, uint64_t tag, int64_t window_index, int64_t window_end) {
    const int64_t start = window_start(window_index, window_end);
    for (Slot& slot : bucket.ways) {
        if (slot.count != 0 && slot.tag == tag && slot.window_index == window_index &&
            slot.window_end == window_end) {
            return {++slot.count, false};
        }
    }
    for (Slot& slot : bucket.ways) {
        if (is_free(slot, start)) {
            slot = Slot{tag, window_index, window_end, 1};
            return {1, false};
        }
    }
    Slot& overflow = bucket.overflow;
    if (is_free(overflow, start)) {
        overflow = Slot{0, 0, window_end, 1};
        return {1, true};
    }
    if (overflow.window_end < window_end) overflow.window_end = window_end;
    return {++overflow.count, false};
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
    Shared* shared = ::new (base) Shared{};
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
    if (counted.overflow_started) log::warn("ratelimit_table_bucket_full");
    return counted.count;
}

void SharedTable::lock_and_keep_for_test() { pthread_mutex_lock(&shared_->mutex); }

}  // namespace authd::ratelimit
