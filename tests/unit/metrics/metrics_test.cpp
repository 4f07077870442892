// tests/unit/metrics/metrics_test.cpp
//
// The metrics table and its exposition: histogram bucketing at the bucket
// bounds, status slots, the text format (HELP/TYPE once per family, every
// event one series, cumulative buckets, exact sums, escaped labels), counts
// from several processes adding into one shared table, and the revoked-set
// age slots that the master frees when a worker dies.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/metrics_api.h"
#include "api/routes.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "metrics/shared_counters.h"

namespace authd::metrics {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// sample name{labels} -> value, for the lines that are samples.
std::map<std::string, std::string> samples_of(const std::string& text) {
    std::map<std::string, std::string> out;
    for (const std::string& line : lines_of(text)) {
        if (line.empty() || line[0] == '#') continue;
        const size_t space = line.rfind(' ');
        out[line.substr(0, space)] = line.substr(space + 1);
    }
    return out;
}

std::array<std::string_view, kRouteSlots> names_for_test() {
    std::array<std::string_view, kRouteSlots> names{};
    names[kRouteOther] = "other";
    names[kFirstApiRoute] = "/auth/login";
    names[kFirstApiRoute + 1] = "/a\"b\\c";
    return names;
}

TEST(MetricsBuckets, DurationsFallInTheFirstBucketWhoseBoundHoldsThem) {
    EXPECT_EQ(duration_bucket(0), 0u);
    EXPECT_EQ(duration_bucket(1000), 0u);  // le="0.001" includes 1 ms
    EXPECT_EQ(duration_bucket(1001), 1u);
    EXPECT_EQ(duration_bucket(2500), 1u);
    EXPECT_EQ(duration_bucket(10000000), kDurationBoundsUs.size() - 1);
    EXPECT_EQ(duration_bucket(10000001), kDurationBoundsUs.size());  // +Inf
    EXPECT_EQ(duration_bucket(UINT64_MAX), kDurationBoundsUs.size());
    for (size_t i = 1; i < kDurationBoundsUs.size(); ++i) {
        EXPECT_LT(kDurationBoundsUs[i - 1], kDurationBoundsUs[i]);
    }
}

TEST(MetricsBuckets, StatusesOutsideTheTableAreClamped) {
    EXPECT_EQ(status_slot(100), 0u);
    EXPECT_EQ(status_slot(200), 100u);
    EXPECT_EQ(status_slot(599), kStatusSlots - 1);
    EXPECT_EQ(status_slot(42), 0u);
    EXPECT_EQ(status_slot(1000), kStatusSlots - 1);
}

TEST(MetricsExposition, EveryEventIsOneSeriesAndEveryFamilyHasOneHeader) {
    auto counters = std::make_unique<Counters>();
    const auto names = names_for_test();
    const std::string text = write_exposition(*counters, names, {.version = "1.2.3"});
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');

    std::set<std::string> helped, typed;
    for (const std::string& line : lines_of(text)) {
        if (line.starts_with("# HELP ")) {
            const std::string name = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_TRUE(helped.insert(name).second) << "two HELP lines for " << name;
        } else if (line.starts_with("# TYPE ")) {
            const std::string name = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_TRUE(typed.insert(name).second) << "two TYPE lines for " << name;
        } else {
            static const std::regex kSample(
                R"(^[a-z_]+(\{[a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*\})? [0-9.]+$)");
            EXPECT_TRUE(std::regex_match(line, kSample)) << line;
        }
    }
    EXPECT_EQ(helped, typed);

    // Nothing counted yet: no request series, every event at 0, and the
    // events are all distinct series (a missing entry in the event table
    // would repeat another's).
    const auto samples = samples_of(text);
    size_t events = 0;
    for (const auto& [series, value] : samples) {
        EXPECT_FALSE(series.starts_with("authd_http_")) << series;
        if (series.starts_with("authd_build_info")) continue;
        EXPECT_EQ(value, "0") << series;
        ++events;
    }
    EXPECT_EQ(events, kEvents);
    EXPECT_EQ(samples.at("authd_build_info{version=\"1.2.3\"}"), "1");
    EXPECT_EQ(samples.at("authd_logins_total{outcome=\"ok\"}"), "0");
    EXPECT_EQ(samples.at("authd_refresh_reuse_detections_total"), "0");
    EXPECT_EQ(samples.count("authd_outbox_depth"), 0u);
    EXPECT_EQ(samples.count("authd_revoked_set_age_seconds"), 0u);
}

TEST(MetricsExposition, RequestsAndHistogramsOfTheirRoutes) {
    auto counters = std::make_unique<Counters>();
    install(counters.get());
    observe_request(kFirstApiRoute, 200, 900);       // le 0.001
    observe_request(kFirstApiRoute, 200, 1500);      // le 0.0025
    observe_request(kFirstApiRoute, 401, 20000000);  // +Inf
    observe_request(kRouteOther, 404, 10);
    observe_request(kFirstApiRoute + 5, 200, 10);  // a slot without a name: not written
    count(Event::login_locked);
    count(Event::login_locked);
    install(nullptr);
    count(Event::login_locked);  // no table: nothing

    const auto names = names_for_test();
    const auto s = samples_of(write_exposition(
        *counters, names, {.version = "v", .outbox_depth = 7, .revoked_set_age_ms = 1500}));
    EXPECT_EQ(s.at(R"(authd_http_requests_total{route="/auth/login",status="200"})"), "2");
    EXPECT_EQ(s.at(R"(authd_http_requests_total{route="/auth/login",status="401"})"), "1");
    EXPECT_EQ(s.at(R"(authd_http_requests_total{route="other",status="404"})"), "1");
    EXPECT_EQ(s.count(R"(authd_http_requests_total{route="/auth/login",status="404"})"), 0u);
    const std::string h = "authd_http_request_duration_seconds";
    EXPECT_EQ(s.at(h + R"(_bucket{route="/auth/login",le="0.001000"})"), "1");
    EXPECT_EQ(s.at(h + R"(_bucket{route="/auth/login",le="0.002500"})"), "2");
    EXPECT_EQ(s.at(h + R"(_bucket{route="/auth/login",le="10.000000"})"), "2");
    EXPECT_EQ(s.at(h + R"(_bucket{route="/auth/login",le="+Inf"})"), "3");
    EXPECT_EQ(s.at(h + R"(_count{route="/auth/login"})"), "3");
    EXPECT_EQ(s.at(h + R"(_sum{route="/auth/login"})"), "20.002400");
    EXPECT_EQ(s.count(h + R"(_count{route="/a\"b\\c"})"), 0u);  // named, but nothing counted
    EXPECT_EQ(s.at(R"(authd_logins_total{outcome="locked"})"), "2");
    EXPECT_EQ(s.at("authd_outbox_depth"), "7");
    EXPECT_EQ(s.at("authd_revoked_set_age_seconds"), "1.500000");
}

TEST(MetricsExposition, LabelValuesAreEscaped) {
    EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    auto counters = std::make_unique<Counters>();
    install(counters.get());
    observe_request(kFirstApiRoute + 1, 200, 1);
    install(nullptr);
    const auto names = names_for_test();
    const auto s = samples_of(write_exposition(*counters, names, {.version = "x\"y"}));
    EXPECT_EQ(s.at(R"(authd_http_requests_total{route="/a\"b\\c",status="200"})"), "1");
    EXPECT_EQ(s.at(R"(authd_build_info{version="x\"y"})"), "1");
}

TEST(MetricsSharedTable, CountsFromSeveralProcessesAddUp) {
    ASSERT_TRUE(map_shared_table());
    const Counters* table = installed();
    ASSERT_NE(table, nullptr);
    constexpr int kChildren = 4;
    constexpr int kEach = 5000;
    std::vector<pid_t> children;
    for (int i = 0; i < kChildren; ++i) {
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (int n = 0; n < kEach; ++n) {
                count(Event::postgres_error);
                observe_request(kRouteValidate, 204, 3000);
            }
            _exit(0);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    constexpr uint64_t kTotal = uint64_t{kChildren} * kEach;
    EXPECT_EQ(table->events[static_cast<size_t>(Event::postgres_error)].load(), kTotal);
    EXPECT_EQ(table->requests[kRouteValidate][status_slot(204)].load(), kTotal);
    EXPECT_EQ(table->duration_buckets[kRouteValidate][duration_bucket(3000)].load(), kTotal);
    EXPECT_EQ(table->duration_sum_us[kRouteValidate].load(), kTotal * 3000);
    install(nullptr);
}

TEST(MetricsSharedTable, RevokedSetAgeIsTheOldestLiveWorkersAndDiesWithIt) {
    auto counters = std::make_unique<Counters>();
    install(counters.get());
    EXPECT_EQ(oldest_revoked_set_age_ms(*counters, 10000), -1);
    // Two "workers": this process and a slot claimed for another pid.
    note_revoked_set_refreshed(9000);
    note_revoked_set_refreshed(9500);  // the same process: its own slot again
    counters->revoked_sets[5].pid = 424242;
    counters->revoked_sets[5].refreshed_ms = 4000;
    EXPECT_EQ(oldest_revoked_set_age_ms(*counters, 10000), 6000);
    forget_process(424242);
    EXPECT_EQ(oldest_revoked_set_age_ms(*counters, 10000), 500);
    EXPECT_EQ(counters->revoked_sets[5].pid.load(), 0);
    forget_process(getpid());
    EXPECT_EQ(oldest_revoked_set_age_ms(*counters, 10000), -1);
    install(nullptr);
}

}  // namespace
}  // namespace authd::metrics

namespace authd::api {
namespace {

TEST(MetricsRoutes, EveryRouteHasASlotAndAPatternKeepsOne) {
    const auto table = routes();
    std::map<std::string_view, size_t> slot_of;
    std::set<size_t> used;
    for (size_t i = 0; i < table.size(); ++i) {
        const size_t slot = route_slot(i);
        EXPECT_GE(slot, metrics::kFirstApiRoute) << table[i].pattern << ": the table is full";
        EXPECT_LT(slot, metrics::kRouteSlots);
        auto [it, fresh] = slot_of.emplace(table[i].pattern, slot);
        if (fresh) {
            EXPECT_TRUE(used.insert(slot).second) << table[i].pattern;
        } else {
            EXPECT_EQ(it->second, slot) << table[i].pattern;
        }
    }
    EXPECT_EQ(route_slot(table.size()), metrics::kRouteOther);
}

TEST(MetricsRoutes, OnlyTheListenersParamMakesAMetricsRequest) {
    http::Request r;
    r.path = "/metrics";
    EXPECT_FALSE(is_metrics_request(r));
    r.headers["authd-metrics-listener"] = "on";  // a client header
    EXPECT_FALSE(is_metrics_request(r));
    r.params["AUTHD_METRICS_LISTENER"] = "off";
    EXPECT_FALSE(is_metrics_request(r));
    r.params["AUTHD_METRICS_LISTENER"] = "on";
    EXPECT_TRUE(is_metrics_request(r));
    r.path = "/metrics/";
    EXPECT_FALSE(is_metrics_request(r));
}

}  // namespace
}  // namespace authd::api
