// authctl/audit_commands.cpp
//
// `authctl audit tail [--user EMAIL] [--event E] [--since DURATION] [-n N]
// [-f]`: the newest audit rows, oldest first as tail prints them, the
// filters combined; -f keeps printing new rows (polled every second) until
// SIGINT or SIGTERM, then exits 0.  --json prints an array, or with -f one
// object per line.  Reads only (audit/audit_log.h); audits nothing.
#include <csignal>
#include <cstdio>
#include <ctime>

#include "audit/audit_log.h"
#include "authctl/cli.h"
#include "json/writer.h"

namespace authd::authctl {
namespace {

constexpr const char* kUsage =
    "usage: authctl audit tail [--user EMAIL] [--event E] [--since DURATION] [-n N] [-f]";
constexpr int kDefaultRows = 20;
constexpr int kFollowBatch = 1000;

volatile std::sig_atomic_t g_stop = 0;

extern "C" void stop_following(int) { g_stop = 1; }

struct TailRequest {
    std::string email;  // "" for every account
    audit::Filter filter;
    int rows = kDefaultRows;
    bool follow = false;
};

std::optional<TailRequest> parse(const std::vector<std::string>& a) {
    TailRequest request;
    if (a.empty() || a[0] != "tail") return std::nullopt;
    for (size_t k = 1; k < a.size(); ++k) {
        const std::string& word = a[k];
        const bool has_value = k + 1 < a.size();
        if (word == "-f" || word == "--follow") {
            request.follow = true;
        } else if (word == "--user" && has_value) {
            request.email = a[++k];
        } else if (word == "--event" && has_value) {
            request.filter.event = a[++k];
        } else if (word == "--since" && has_value) {
            auto seconds = parse_duration(a[++k]);
            if (!seconds || *seconds == 0) return std::nullopt;
            request.filter.since_seconds = *seconds;
        } else if (word == "-n" && has_value) {
            auto n = parse_count(a[++k], 100000);
            if (!n) return std::nullopt;
            request.rows = static_cast<int>(*n);
        } else {
            return std::nullopt;
        }
    }
    return request;
}

void write_entry(json::Writer& out, const audit::Entry& e) {
    out.begin_object().key("id").number(e.id).key("at").string(e.at);
    out.key("event").string(e.event).key("user_id");
    write_optional(out, e.user_id);
    out.key("email");
    write_optional(out, e.email);
    out.key("ip").string(e.ip).key("user_agent").string(e.user_agent);
    out.key("request_id").string(e.request_id);
    // The detail is Postgres's text of a jsonb column: valid JSON, nested as is.
    out.key("detail");
    if (e.detail.empty()) {
        out.null();
    } else {
        out.json_text(e.detail);
    }
    out.end_object();
}

// One line per row: text, or (json_lines) one JSON object.
void print_entries(const std::vector<audit::Entry>& entries, bool json_lines) {
    for (const auto& e : entries) {
        if (json_lines) {
            json::Writer out;
            write_entry(out, e);
            print_line(std::move(out).str());
        } else {
            const std::string who = e.email ? *e.email : e.user_id ? *e.user_id : "-";
            std::printf("%s\t%s\t%s\t%s\t%s\n", e.at.c_str(), e.event.c_str(), who.c_str(),
                        e.ip.empty() ? "-" : e.ip.c_str(),
                        e.detail.empty() ? "-" : e.detail.c_str());
        }
    }
    std::fflush(stdout);
}

// Until SIGINT or SIGTERM: every second, the rows after `last`.
int follow(const Invocation& call, db::Connection& db, const audit::Filter& filter, int64_t last) {
    struct sigaction action {};
    action.sa_handler = stop_following;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // Later rows are new whatever their age: --since bounds the first batch.
    audit::Filter newer = filter;
    newer.since_seconds = 0;
    while (!g_stop) {
        for (int tick = 0; tick < 10 && !g_stop; ++tick) {
            const timespec tenth{0, 100'000'000};
            nanosleep(&tenth, nullptr);
        }
        if (g_stop) break;
        auto entries = audit::entries_after(db, newer, last, kFollowBatch);
        if (!entries) return fail("audit tail", entries.error());
        if (!entries->empty()) last = entries->back().id;
        print_entries(*entries, call.json);
    }
    return kExitOk;
}

int tail(const Invocation& call, TailRequest request) {
    constexpr const char* what = "audit tail";
    db::Connection db(call.config.database);
    if (!request.email.empty()) {
        auto user = find_account(db, request.email);
        if (!user) return fail(what, user.error());
        request.filter.user_id = user->id;
    }
    auto last = audit::newest_id(db);
    if (!last) return fail(what, last.error());
    auto entries = audit::newest_entries(db, request.filter, *last, request.rows);
    if (!entries) return fail(what, entries.error());
    if (call.json && !request.follow) {
        json::Writer out;
        out.begin_array();
        for (const auto& e : *entries) write_entry(out, e);
        out.end_array();
        print_line(std::move(out).str());
        return kExitOk;
    }
    print_entries(*entries, call.json);
    if (!request.follow) return kExitOk;
    return follow(call, db, request.filter, *last);
}

}  // namespace

int run_audit(const Invocation& call) {
    auto request = parse(call.args);
    if (!request) return fail("audit", kUsage, kExitUsage);
    return tail(call, std::move(*request));
}

}  // namespace authd::authctl
