// authctl/cli.h
//
// What every authctl command shares: its parsed invocation, how it reports
// (human text by default, one JSON value with --json), how it fails (one
// line on stderr and an exit code a script can tell apart: Postgres
// unreachable is not "no such account"), and who the operator is for the
// audit trail.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/user_store.h"
#include "audit/audit.h"
#include "core/config.h"
#include "core/result.h"
#include "db/connection.h"

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

// One line "authctl: WHAT: DETAIL" on stderr; returns the exit code for
// `error`: 69 when Postgres is unreachable, 1 otherwise.
int fail(std::string_view what, const Error& error);
// One line on stderr; returns `code`.
int fail(std::string_view what, std::string_view message, int code = kExitFailure);

// The account of `raw_email` (normalised); ErrorCode::not_found with
// "no account for EMAIL" when there is none.
Result<accounts::User> find_account(db::Connection& db, const std::string& raw_email);

// Whether `flag` is one of the words, and the word after it ("" if none).
bool has_flag(const std::vector<std::string>& args, std::string_view flag);
std::string flag_value(const std::vector<std::string>& args, std::string_view flag);

// Prints text followed by a newline to stdout.
void print_line(std::string_view text);

// One handler per command group (each in its own file).
int run_maintenance(const Invocation& call);  // migrate, purge
int run_config(const Invocation& call);       // config check
int run_mfa(const Invocation& call);          // mfa reset
int run_groups(const Invocation& call);       // groups add|remove|list
int run_token(const Invocation& call);        // token mint
int run_user(const Invocation& call);         // user add|list|show|delete|verify|unlock
int run_sessions(const Invocation& call);     // sessions list|revoke

}  // namespace authd::authctl
