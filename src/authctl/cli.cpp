// authctl/cli.cpp
#include "authctl/cli.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "forms/email.h"
#include "json/writer.h"

namespace authd::authctl {
namespace {

// Decimal digits only ("5abc", "-1", "" are none).
std::optional<int64_t> whole_number(std::string_view text) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::string operator_name() {
    for (const char* name : {"SUDO_USER", "USER"}) {
        const char* who = std::getenv(name);
        if (who && *who) return who;
    }
    return "unknown";
}

audit::Origin operator_origin() { return {"", "authctl", ""}; }

std::string operator_detail(
    std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
    json::Writer detail;
    detail.begin_object();
    for (const auto& [key, value] : extra) detail.key(key).string(value);
    detail.key("operator").string(operator_name()).end_object();
    return std::move(detail).str();
}

Result<void> record_operator_change(
    const Config& config, std::string_view what, std::string_view event,
    std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
    db::Connection db(config.database);
    auto recorded =
        audit::record(db, event, std::nullopt, operator_origin(), operator_detail(extra));
    if (!recorded) {
        std::fprintf(stderr, "authctl: %s: done, but not audited: %s\n", std::string(what).c_str(),
                     recorded.error().detail.c_str());
    }
    return recorded;
}

int fail(std::string_view what, const Error& error) {
    if (error.code == ErrorCode::unavailable) {
        return fail(what, "database unavailable: " + error.detail, kExitUnavailable);
    }
    return fail(what, error.detail, kExitFailure);
}

int fail(std::string_view what, std::string_view message, int code) {
    // One line: a multi-line libpq message is folded.
    std::string line(message);
    std::replace(line.begin(), line.end(), '\n', ' ');
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::fprintf(stderr, "authctl: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
                 line.c_str());
    return code;
}

Result<accounts::User> find_account(db::Connection& db, const std::string& raw_email) {
    const std::string email = forms::normalize_email(raw_email);
    auto user = accounts::find_user_by_email(db, email);
    if (!user) return Unexpected{user.error()};
    if (!*user) return authd::fail(ErrorCode::not_found, "no account for " + email);
    return std::move(**user);
}

int with_account(const Config& config, std::string_view what, const std::string& raw_email,
                 const AccountCommand& body) {
    db::Connection db(config.database);
    auto user = find_account(db, raw_email);
    if (!user) return fail(what, user.error());
    return body(db, *user);
}

int on_account(const Invocation& call, AccountHandler handler) {
    return with_account(
        call.config, call.group + " " + call.args[0], call.args[1],
        [&](db::Connection& db, const accounts::User& user) { return handler(call, db, user); });
}

Result<std::optional<AuditRow>> audited(std::string event, std::string detail) {
    return std::optional<AuditRow>(AuditRow{std::move(event), std::move(detail)});
}

Result<std::optional<AuditRow>> unchanged() { return std::optional<AuditRow>(); }

Result<bool> change_account(db::Connection& db, const accounts::User& user,
                            const AccountChange& change) {
    auto tx = db::Transaction::begin(db);
    if (!tx) return Unexpected{tx.error()};
    auto locked = accounts::lock_user(*tx, user.id);
    if (!locked) return Unexpected{locked.error()};
    if (!*locked) return authd::fail(ErrorCode::not_found, "no account for " + user.email);
    auto row = change(*tx, **locked);
    if (!row) return Unexpected{row.error()};
    if (*row) {
        if (auto r = audit::record(db, (*row)->event, user.id, operator_origin(), (*row)->detail);
            !r) {
            return Unexpected{r.error()};
        }
    }
    if (auto r = tx->commit(); !r) return Unexpected{r.error()};
    return row->has_value();
}

std::string rfc3339(int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::optional<int64_t> parse_duration(std::string_view text) {
    int64_t unit = 1;
    if (!text.empty()) {
        switch (text.back()) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = 86400;
                break;
            default:
                unit = 0;
                break;
        }
        if (unit != 0) {
            text.remove_suffix(1);
        } else {
            unit = 1;
        }
    }
    const auto value = whole_number(text);
    if (!value || *value > int64_t{366} * 86400 / unit) return std::nullopt;
    return *value * unit;
}

std::optional<int64_t> parse_count(std::string_view text, int64_t max) {
    const auto value = whole_number(text);
    if (!value || *value < 1 || *value > max) return std::nullopt;
    return value;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += separator;
        out += w;
    }
    return out;
}

bool has_flag(const std::vector<std::string>& args, std::string_view flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
}

std::string flag_value(const std::vector<std::string>& args, std::string_view flag) {
    for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == flag) return args[i + 1];
    }
    return {};
}

void write_optional(json::Writer& out, const std::optional<std::string>& value) {
    if (value) {
        out.string(*value);
    } else {
        out.null();
    }
}

void print_line(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
}

}  // namespace authd::authctl
