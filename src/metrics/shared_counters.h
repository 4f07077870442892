// metrics/shared_counters.h
//
// The host's metrics table: one Counters in anonymous shared memory
// (mmap MAP_SHARED|MAP_ANONYMOUS), mapped by the master BEFORE it forks,
// so every worker of every pool adds to the same cells and a scrape by any
// API worker sees the whole host.  The master keeps the mapping across
// reloads (new workers inherit it), so counters survive a reload; a restart
// maps a new, zeroed table, as Prometheus expects of a counter reset.
//
// The record functions are process-wide because the places that count
// (db/, cache/, the validator, the master) share nothing else: they do
// nothing until install() has run, so authctl, the unit tests and a
// process without a table simply count nothing.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "metrics/counters.h"

namespace authd::metrics {

// Maps a zeroed table and makes it this process's (and, after fork, its
// children's) table.  Call once, in the master before forking.  The
// mapping lives as long as the process.  Fails with internal when mmap does.
Result<void> map_shared_table();

// Makes `counters` this process's table (null: count nothing).  Tests use
// it with a table of their own.
void install(Counters* counters);

// The installed table, or null.
const Counters* installed();

// Adds one to an event's counter.
void count(Event event);

// One served request: its route slot (counters.h), status and duration.
void observe_request(size_t route_slot, int status, int64_t duration_us);

// A validate worker's revoked set was refreshed successfully at
// `wall_ms` (wall_clock_ms(), the clock the set keeps its time in).  The
// first call claims this process's slot.
void note_revoked_set_refreshed(int64_t wall_ms);

// The master reaped `pid`: frees its revoked-set slot, if it held one.
void forget_process(pid_t pid);

// The age in milliseconds of the oldest revoked set among the live
// validate workers that have one, at `now_ms`; -1 when none has.
int64_t oldest_revoked_set_age_ms(const Counters& counters, int64_t now_ms);

}  // namespace authd::metrics
