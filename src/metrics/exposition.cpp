// metrics/exposition.cpp
//
// The metric names, their help texts and the label each Event becomes live
// here, as data: kFamilies and kEventSeries.  Every Event has exactly one
// series (a unit test checks the table covers them all).
#include "metrics/exposition.h"

#include <array>
#include <cinttypes>
#include <cstdio>

namespace authd::metrics {
namespace {

struct Family {
    std::string_view name;
    std::string_view help;
    std::string_view label;  // empty: a single unlabelled series
};

enum FamilyId : uint8_t {
    logins,
    mfa,
    refresh_rotations,
    refresh_reuse,
    validator,
    token_cache,
    rate_limited,
    mail_failures,
    postgres_errors,
    memcached_errors,
    worker_restarts,
};

constexpr Family kFamilies[] = {
    {"authd_logins_total", "Password logins by outcome.", "outcome"},
    {"authd_mfa_verifications_total", "Second-factor login verifications by outcome.", "outcome"},
    {"authd_refresh_rotations_total", "Refresh tokens rotated.", ""},
    {"authd_refresh_reuse_detections_total",
     "Refresh tokens presented again after rotation (the session is revoked).", ""},
    {"authd_validator_answers_total", "auth_request answers of the validator by outcome.",
     "outcome"},
    {"authd_validator_token_cache_total", "Validator verified-token cache lookups by result.",
     "result"},
    {"authd_rate_limited_total", "Requests refused by a rate limit (429).", ""},
    {"authd_mail_delivery_failures_total", "Failed attempts to deliver an outbox message.", ""},
    {"authd_postgres_errors_total", "Failed Postgres connections and statements.", ""},
    {"authd_memcached_errors_total", "Failed memcached operations (a miss is not one).", ""},
    {"authd_worker_restarts_total", "Workers that died unexpectedly and were respawned.", "pool"},
};

struct EventSeries {
    FamilyId family;
    std::string_view label_value;
};

// Indexed by Event.
constexpr std::array<EventSeries, kEvents> kEventSeries = {{
    {logins, "ok"},
    {logins, "bad_credentials"},
    {logins, "locked"},
    {logins, "mfa_challenge"},
    {logins, "email_not_verified"},
    {logins, "account_disabled"},
    {logins, "password_reset_required"},
    {mfa, "ok"},
    {mfa, "wrong_code"},
    {mfa, "locked"},
    {mfa, "challenge_dead"},
    {mfa, "account_disabled"},
    {refresh_rotations, ""},
    {refresh_reuse, ""},
    {validator, "allowed"},
    {validator, "invalid_token"},
    {validator, "token_expired"},
    {validator, "mfa_required"},
    {validator, "group_required"},
    {validator, "forbidden_header"},
    {validator, "unavailable"},
    {token_cache, "hit"},
    {token_cache, "miss"},
    {rate_limited, ""},
    {mail_failures, ""},
    {postgres_errors, ""},
    {memcached_errors, ""},
    {worker_restarts, "api"},
    {worker_restarts, "validate"},
    {worker_restarts, "mailer"},
}};

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void append_number(std::string& out, uint64_t n) {
    char buf[24];
    const int len = std::snprintf(buf, sizeof buf, "%" PRIu64, n);
    out.append(buf, static_cast<size_t>(len));
}

// Microseconds as seconds, exactly.
void append_seconds(std::string& out, uint64_t us) {
    char buf[32];
    const int len =
        std::snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
    out.append(buf, static_cast<size_t>(len));
}

uint64_t load(const std::atomic<uint64_t>& cell) { return cell.load(std::memory_order_relaxed); }

std::string_view route_name(std::span<const std::string_view> names, size_t slot) {
    return slot < names.size() ? names[slot] : std::string_view();
}

void write_requests(std::string& out, const Counters& c, std::span<const std::string_view> names) {
    header(out, "authd_http_requests_total", "Requests served, by route and status.", "counter");
    for (size_t slot = 0; slot < kRouteSlots; ++slot) {
        const std::string_view route = route_name(names, slot);
        if (route.empty()) continue;
        const std::string label = escape_label_value(route);
        for (size_t s = 0; s < kStatusSlots; ++s) {
            const uint64_t n = load(c.requests[slot][s]);
            if (n == 0) continue;
            out.append("authd_http_requests_total{route=\"").append(label).append("\",status=\"");
            append_number(out, kFirstStatus + s);
            out.append("\"} ");
            append_number(out, n);
            out.append("\n");
        }
    }
}

void write_durations(std::string& out, const Counters& c, std::span<const std::string_view> names) {
    constexpr std::string_view kName = "authd_http_request_duration_seconds";
    header(out, kName, "Time from the request's arrival at authd to its answer, by route.",
           "histogram");
    for (size_t slot = 0; slot < kRouteSlots; ++slot) {
        const std::string_view route = route_name(names, slot);
        if (route.empty()) continue;
        std::array<uint64_t, kDurationBuckets> buckets{};
        uint64_t total = 0;
        for (size_t b = 0; b < kDurationBuckets; ++b) {
            buckets[b] = load(c.duration_buckets[slot][b]);
            total += buckets[b];
        }
        if (total == 0) continue;
        const std::string label = escape_label_value(route);
        uint64_t cumulative = 0;
        for (size_t b = 0; b < kDurationBuckets; ++b) {
            cumulative += buckets[b];
            out.append(kName).append("_bucket{route=\"").append(label).append("\",le=\"");
            if (b < kDurationBoundsUs.size()) {
                append_seconds(out, kDurationBoundsUs[b]);
            } else {
                out.append("+Inf");
            }
            out.append("\"} ");
            append_number(out, cumulative);
            out.append("\n");
        }
        out.append(kName).append("_sum{route=\"").append(label).append("\"} ");
        append_seconds(out, load(c.duration_sum_us[slot]));
        out.append("\n");
        out.append(kName).append("_count{route=\"").append(label).append("\"} ");
        append_number(out, total);
        out.append("\n");
    }
}

void write_events(std::string& out, const Counters& c) {
    for (size_t f = 0; f < std::size(kFamilies); ++f) {
        const Family& family = kFamilies[f];
        header(out, family.name, family.help, "counter");
        for (size_t e = 0; e < kEvents; ++e) {
            if (kEventSeries[e].family != f) continue;
            out.append(family.name);
            if (!family.label.empty()) {
                out.append("{").append(family.label).append("=\"");
                out.append(kEventSeries[e].label_value).append("\"}");
            }
            out.append(" ");
            append_number(out, load(c.events[e]));
            out.append("\n");
        }
    }
}

void write_gauges(std::string& out, const ScrapeValues& v) {
    if (v.revoked_set_age_ms) {
        header(out, "authd_revoked_set_age_seconds",
               "Age of the oldest revoked-session set among the validate workers.", "gauge");
        out.append("authd_revoked_set_age_seconds ");
        append_seconds(out, static_cast<uint64_t>(*v.revoked_set_age_ms) * 1000);
        out.append("\n");
    }
    if (v.outbox_depth) {
        header(out, "authd_outbox_depth", "Messages in the outbox waiting to be delivered.",
               "gauge");
        out.append("authd_outbox_depth ");
        append_number(out, static_cast<uint64_t>(*v.outbox_depth));
        out.append("\n");
    }
    header(out, "authd_build_info", "The running authd's version; always 1.", "gauge");
    out.append("authd_build_info{version=\"")
        .append(escape_label_value(v.version))
        .append("\"} 1\n");
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char ch : value) {
        if (ch == '\\') {
            out += "\\\\";
        } else if (ch == '"') {
            out += "\\\"";
        } else if (ch == '\n') {
            out += "\\n";
        } else {
            out += ch;
        }
    }
    return out;
}

std::string write_exposition(const Counters& counters,
                             std::span<const std::string_view> route_names,
                             const ScrapeValues& values) {
    std::string out;
    out.reserve(16384);
    write_requests(out, counters, route_names);
    write_durations(out, counters, route_names);
    write_events(out, counters);
    write_gauges(out, values);
    return out;
}

}  // namespace authd::metrics
