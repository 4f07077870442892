// cache/handle.h
//
// The libmemcached handle as authd configures it: binary protocol, the
// [cache] timeouts, and the [cache] servers list on a consistent-hashing
// ring.  Several hosts share the rate-limit counters only if each sends a
// key to the same server.  The ring (MEMCACHED_DISTRIBUTION_CONSISTENT)
// places each server by hashing its name as written in the list, host:port
// or the socket path, never by its position in the list: hosts that write
// the same names map every key alike, whatever the order of their lists.
// A server that fails stays on the ring (ejecting it would move its keys
// on the hosts that noticed and not on the others) and is tried again
// after a second.
#pragma once

#include <libmemcached/memcached.h>

#include "core/c_ptr.h"
#include "core/config.h"

namespace authd::cache {

using MemcachedPtr = CPtr<memcached_st, memcached_free>;

// A handle with every server of `config.servers` (comma-separated
// host:port, [IPv6]:port, host alone for port 11211, or /path/to/socket;
// blanks around items ignored).  Opens no connection.
MemcachedPtr open_handle(const Config::Cache& config);

}  // namespace authd::cache
