// authctl/outbox_commands.cpp
//
// `authctl outbox list [--failed] [--limit N]` and `authctl outbox retry
// ID|--all-failed`: the mail queue for an operator, through mail/outbox.h.
// A row's metadata only (id, recipient, template, attempts, state, last
// error, times): never its payload, which holds codes, and never a body.
// A retry makes a failed row due now (audited); a row given up had its
// payload erased, so it is refused.
#include <cstdio>

#include "authctl/cli.h"
#include "json/writer.h"
#include "mail/outbox.h"

namespace authd::authctl {
namespace {

constexpr const char* kUsage =
    "usage: authctl outbox list [--failed] [--limit N] | retry ID|--all-failed";
constexpr int kDefaultLimit = 100;

int outbox_list(const Invocation& call, bool failed_only, int limit) {
    db::Connection db(call.config.database);
    auto entries = mail::list_entries(db, failed_only, limit);
    if (!entries) return fail("outbox list", entries.error());
    if (call.json) {
        json::Writer out;
        out.begin_array();
        for (const auto& e : *entries) {
            out.begin_object().key("id").number(e.id).key("recipient").string(e.recipient);
            out.key("template").string(e.template_name).key("attempts").number(e.attempts);
            out.key("state").string(e.state).key("last_error");
            write_optional(out, e.last_error);
            out.key("created_at").string(e.created_at);
            out.key("next_attempt_at").string(e.next_attempt_at).end_object();
        }
        out.end_array();
        print_line(std::move(out).str());
        return kExitOk;
    }
    for (const auto& e : *entries) {
        std::printf("%lld\t%s\t%s\t%s\tattempts %d\tcreated %s\t%s\n", static_cast<long long>(e.id),
                    e.recipient.c_str(), e.template_name.c_str(), e.state.c_str(), e.attempts,
                    e.created_at.c_str(), e.last_error ? e.last_error->c_str() : "-");
    }
    return kExitOk;
}

// The retry and its audit row (no account: user_id NULL), one transaction.
Result<mail::RetryOutcome> retry_one(db::Connection& db, int64_t id) {
    auto tx = db::Transaction::begin(db);
    if (!tx) return Unexpected{tx.error()};
    auto outcome = mail::retry_now(*tx, id);
    if (!outcome || *outcome != mail::RetryOutcome::due_now) return outcome;
    if (auto r = audit::record(db, "outbox_retried_by_operator", std::nullopt, operator_origin(),
                               operator_detail({{"outbox_id", std::to_string(id)}}));
        !r) {
        return Unexpected{r.error()};
    }
    if (auto r = tx->commit(); !r) return Unexpected{r.error()};
    return outcome;
}

Result<int64_t> retry_all(db::Connection& db) {
    auto tx = db::Transaction::begin(db);
    if (!tx) return Unexpected{tx.error()};
    auto count = mail::retry_all_failed(*tx);
    if (!count || *count == 0) return count;
    if (auto r = audit::record(db, "outbox_retried_by_operator", std::nullopt, operator_origin(),
                               operator_detail({{"count", std::to_string(*count)}}));
        !r) {
        return Unexpected{r.error()};
    }
    if (auto r = tx->commit(); !r) return Unexpected{r.error()};
    return count;
}

void report_retried(const Invocation& call, int64_t count) {
    if (call.json) {
        json::Writer out;
        out.begin_object().key("due_now").number(count).end_object();
        print_line(std::move(out).str());
    } else {
        std::printf("%lld failed message(s) due now\n", static_cast<long long>(count));
    }
}

int outbox_retry(const Invocation& call, std::optional<int64_t> id) {
    constexpr const char* what = "outbox retry";
    db::Connection db(call.config.database);
    if (!id) {
        auto count = retry_all(db);
        if (!count) return fail(what, count.error());
        report_retried(call, *count);
        return kExitOk;
    }
    auto outcome = retry_one(db, *id);
    if (!outcome) return fail(what, outcome.error());
    const std::string row = "message " + std::to_string(*id);
    switch (*outcome) {
        case mail::RetryOutcome::due_now:
            report_retried(call, 1);
            return kExitOk;
        case mail::RetryOutcome::not_found:
            return fail(what, "no " + row + " in the outbox");
        case mail::RetryOutcome::given_up:
            return fail(what,
                        row + " was given up and its content erased; it cannot be sent again");
        case mail::RetryOutcome::not_failed:
            return fail(what, row + " has not failed (pending or sent)");
    }
    return kExitSoftware;
}

}  // namespace

int run_outbox(const Invocation& call) {
    const auto& a = call.args;
    if (!a.empty() && a[0] == "list") {
        bool failed_only = false;
        int limit = kDefaultLimit;
        for (size_t k = 1; k < a.size(); ++k) {
            if (a[k] == "--failed") {
                failed_only = true;
            } else if (a[k] == "--limit" && k + 1 < a.size()) {
                auto n = parse_count(a[++k], 100000);
                if (!n) return fail("outbox list", "--limit is 1-100000", kExitUsage);
                limit = static_cast<int>(*n);
            } else {
                return fail("outbox", kUsage, kExitUsage);
            }
        }
        return outbox_list(call, failed_only, limit);
    }
    if (a.size() == 2 && a[0] == "retry") {
        if (a[1] == "--all-failed") return outbox_retry(call, std::nullopt);
        if (auto id = parse_count(a[1], INT64_MAX)) return outbox_retry(call, id);
    }
    return fail("outbox", kUsage, kExitUsage);
}

}  // namespace authd::authctl
