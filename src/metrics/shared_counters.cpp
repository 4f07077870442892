// metrics/shared_counters.cpp
//
// The mapping and the relaxed atomic adds into it.  Relaxed is enough:
// each cell is an independent count, and no reader infers anything about
// one cell from another.
#include "metrics/shared_counters.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <string>

namespace authd::metrics {
namespace {

Counters* g_counters = nullptr;

// This process's revoked-set slot, once claimed.
RevokedSetSlot* g_revoked_slot = nullptr;
pid_t g_revoked_slot_pid = 0;

RevokedSetSlot* claim_revoked_slot(Counters& counters) {
    const pid_t self = getpid();
    // A child forked after the parent claimed inherits the pointer, not the
    // slot.
    if (g_revoked_slot && g_revoked_slot_pid == self) return g_revoked_slot;
    for (RevokedSetSlot& slot : counters.revoked_sets) {
        int64_t free = 0;
        if (slot.pid.compare_exchange_strong(free, self, std::memory_order_relaxed)) {
            g_revoked_slot = &slot;
            g_revoked_slot_pid = self;
            return &slot;
        }
    }
    return nullptr;  // more validate workers than slots: the rest go unreported
}

}  // namespace

Result<void> map_shared_table() {
    void* p =
        mmap(nullptr, sizeof(Counters), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        return Unexpected{Error{ErrorCode::internal,
                                std::string("metrics table: mmap: ") + std::strerror(errno)}};
    }
    // The process keeps the mapping until it exits.
    install(new (p) Counters());
    return {};
}

void install(Counters* counters) {
    g_counters = counters;
    g_revoked_slot = nullptr;
    g_revoked_slot_pid = 0;
}

const Counters* installed() { return g_counters; }

void count(Event event) {
    if (!g_counters) return;
    g_counters->events[static_cast<size_t>(event)].fetch_add(1, std::memory_order_relaxed);
}

void observe_request(size_t route_slot, int status, int64_t duration_us) {
    if (!g_counters) return;
    if (route_slot >= kRouteSlots) route_slot = kRouteOther;
    const uint64_t us = duration_us > 0 ? static_cast<uint64_t>(duration_us) : 0;
    g_counters->requests[route_slot][status_slot(status)].fetch_add(1, std::memory_order_relaxed);
    g_counters->duration_buckets[route_slot][duration_bucket(us)].fetch_add(
        1, std::memory_order_relaxed);
    g_counters->duration_sum_us[route_slot].fetch_add(us, std::memory_order_relaxed);
}

void note_revoked_set_refreshed(int64_t wall_ms) {
    if (!g_counters) return;
    if (RevokedSetSlot* slot = claim_revoked_slot(*g_counters)) {
        slot->refreshed_ms.store(wall_ms, std::memory_order_relaxed);
    }
}

void forget_process(pid_t pid) {
    if (!g_counters) return;
    for (RevokedSetSlot& slot : g_counters->revoked_sets) {
        if (slot.pid.load(std::memory_order_relaxed) != pid) continue;
        // NB: clear the time before freeing the slot, so the next owner
        // never starts with the dead worker's time.
        slot.refreshed_ms.store(0, std::memory_order_relaxed);
        slot.pid.store(0, std::memory_order_release);
    }
}

int64_t oldest_revoked_set_age_ms(const Counters& counters, int64_t now_ms) {
    int64_t oldest = -1;
    for (const RevokedSetSlot& slot : counters.revoked_sets) {
        if (slot.pid.load(std::memory_order_acquire) == 0) continue;
        const int64_t at = slot.refreshed_ms.load(std::memory_order_relaxed);
        if (at == 0) continue;
        const int64_t age = now_ms > at ? now_ms - at : 0;
        if (age > oldest) oldest = age;
    }
    return oldest;
}

}  // namespace authd::metrics
