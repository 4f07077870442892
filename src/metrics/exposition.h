// metrics/exposition.h
//
// The Prometheus text exposition format, version 0.0.4, of a metrics table:
// # HELP and # TYPE once per family, then its samples, one per line.
// Counters not per route are always written (a series exists from the
// start, at 0); per-route series only once they have counted something.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "metrics/counters.h"

namespace authd::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// What a scrape reads besides the table.
struct ScrapeValues {
    std::string_view version;                   // authd_build_info{version=...}
    std::optional<int64_t> outbox_depth;        // absent: not known (Postgres down)
    std::optional<int64_t> revoked_set_age_ms;  // absent: no validate worker has a set
};

// `route_names[slot]` names a route slot (counters.h); a slot without a
// name (past the span's end, or empty) is not written.
std::string write_exposition(const Counters& counters,
                             std::span<const std::string_view> route_names,
                             const ScrapeValues& values);

// A label value escaped as the format asks (\\, \", \n).
std::string escape_label_value(std::string_view value);

}  // namespace authd::metrics
