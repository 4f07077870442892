// authctl/cli.h
//
// What every authctl command shares: its parsed invocation, how it reports
// (human text by default, one JSON value with --json), how it fails (one
// line on stderr and an exit code a script can tell apart: Postgres
// unreachable is not "no such account"), and who the operator is for the
// audit trail.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "core/config.h"
#include "core/result.h"
#include "db/connection.h"
#include "json/writer.h"

namespace authd::authctl {

// sysexits.h values, so scripts can tell a usage error from a database outage.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;       // the command was refused (no such account, ...)
constexpr int kExitUsage = 64;        // EX_USAGE
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: Postgres unreachable
constexpr int kExitSoftware = 70;     // EX_SOFTWARE: a bug

struct Invocation {
    const Config& config;
    std::string group;              // "user", "sessions", "groups", ...
    std::vector<std::string> args;  // after the group word, --json removed
    bool json = false;              // --json given anywhere
};

// The login name of whoever runs authctl ($SUDO_USER, else $USER, else
// "unknown"), for the audit trail.
std::string operator_name();
// The audit origin of every authctl change: no address, "authctl" as agent.
audit::Origin operator_origin();
// {"operator": "<name>"} plus `extra` (string fields), an audit detail.
std::string operator_detail(
    std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {});

// The audit row of an operator's change that belongs to no account (keys,
// the schema, a purge): no user, operator_origin(), operator_detail(extra).
// When it cannot be written (Postgres unreachable), says so in one line on
// stderr, "authctl: WHAT: done, but not audited: ...", and fails.
Result<void> record_operator_change(
    const Config& config, std::string_view what, std::string_view event,
    std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {});

// One line "authctl: WHAT: DETAIL" on stderr; returns the exit code for
// `error`: 69 when Postgres is unreachable, 1 otherwise.
int fail(std::string_view what, const Error& error);
// One line on stderr; returns `code`.
int fail(std::string_view what, std::string_view message, int code = kExitFailure);

// The account of `raw_email` (normalised); ErrorCode::not_found with
// "no account for EMAIL" when there is none.
Result<accounts::User> find_account(db::Connection& db, const std::string& raw_email);

// The command on one account, in one place: opens the database, finds the
// account of `raw_email` and runs `body` with both; on a failure before
// `body`, the one line and exit code of fail(what, ...).
using AccountCommand = std::function<int(db::Connection& db, const accounts::User& user)>;
int with_account(const Config& config, std::string_view what, const std::string& raw_email,
                 const AccountCommand& body);

// with_account for the usual shape "GROUP SUB EMAIL ...": the account of
// call.args[1], failures reported as "GROUP SUB".
using AccountHandler = int (*)(const Invocation& call, db::Connection& db,
                               const accounts::User& user);
int on_account(const Invocation& call, AccountHandler handler);

// The audit row a change of an account asks for.
struct AuditRow {
    std::string event;
    std::string detail;  // operator_detail(...)
};
// What an AccountChange returns: its audit row, or that nothing changed.
Result<std::optional<AuditRow>> audited(std::string event, std::string detail);
Result<std::optional<AuditRow>> unchanged();
// A change of an account inside change_account's transaction, given the
// account as it is once its row is locked; nullopt when nothing changed
// (then nothing is audited).
using AccountChange = std::function<Result<std::optional<AuditRow>>(db::Transaction& tx,
                                                                    const accounts::User& locked)>;
// One audited change of an account as one transaction: the account's row
// locked first (the lock order of accounts/user_store.h), `change`, its
// audit row with operator_origin(), commit.  Returns whether something
// changed; not_found when the account went away meanwhile.
Result<bool> change_account(db::Connection& db, const accounts::User& user,
                            const AccountChange& change);

// A time as RFC 3339 UTC text, "2026-12-04T19:46:16Z".
std::string rfc3339(int64_t unix_seconds);
// "600", "600s", "10m", "2h", "7d" as seconds (at most 366 days); nullopt
// when malformed.
std::optional<int64_t> parse_duration(std::string_view text);
// A whole number from 1 to `max` ("5abc" is none); nullopt otherwise.
std::optional<int64_t> parse_count(std::string_view text, int64_t max);
// The words joined with `separator`.
std::string joined(const std::vector<std::string>& words, std::string_view separator = ",");

// Whether `flag` is one of the words, and the word after it ("" if none).
bool has_flag(const std::vector<std::string>& args, std::string_view flag);
std::string flag_value(const std::vector<std::string>& args, std::string_view flag);

// The value, or null when there is none.
void write_optional(json::Writer& out, const std::optional<std::string>& value);

// Prints text followed by a newline to stdout.
void print_line(std::string_view text);

// One handler per command group (each in its own file).
int run_maintenance(const Invocation& call);  // migrate, purge
int run_config(const Invocation& call);       // config check
int run_mfa(const Invocation& call);          // mfa reset
int run_groups(const Invocation& call);       // groups add|remove|list
int run_token(const Invocation& call);        // token mint
int run_user(const Invocation& call);      // user add|list|show|delete|verify|unlock|disable|enable
int run_sessions(const Invocation& call);  // sessions list|revoke
int run_outbox(const Invocation& call);    // outbox list|retry
int run_audit(const Invocation& call);     // audit tail
int run_import(const Invocation& call);    // import cognito FILE

}  // namespace authd::authctl
