// db/connection.h
//
// One worker's Postgres connection (libpq), opened after fork.
//
//  - Statements are named constants ({name, sql}) kept beside the store
//    that runs them; parameters are always bound, never spliced into SQL.
//  - A statement that finds the connection lost (Postgres restarted, a
//    network blip) reconnects and runs once more, unless a transaction was
//    open: then the transaction is gone and the caller gets `unavailable`.
//  - Every statement is bounded: each connection sets Postgres's
//    statement_timeout, so a statement stuck behind another session's lock
//    (or a Postgres too slow to answer) is cancelled and the request gets
//    its 503 instead of holding a worker until nginx gives up.
//  - libpq's failures are translated here, once: a lost or refused
//    connection, a statement cancelled by the timeout (57014) or refused a
//    lock (55P03) is `unavailable`, SQLSTATE 23505 `conflict`, the rest
//    `internal`.  Error details carry the SQLSTATE and primary message only,
//    never parameter values.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/c_ptr.h"
#include "core/config.h"
#include "core/result.h"
#include "core/secret.h"

namespace authd::db {

using PgConnPtr = CPtr<PGconn, PQfinish>;
using PgResultPtr = CPtr<PGresult, PQclear>;

struct Statement {
    std::string_view name;  // unique per statement: the prepared statement's name
    std::string_view sql;
};

// A bound parameter: text, or NULL when nullopt.
using Param = std::optional<std::string>;

class Rows {
public:
    explicit Rows(PgResultPtr result) : result_(std::move(result)) {}

    int size() const { return PQntuples(result_.get()); }
    bool empty() const { return size() == 0; }
    bool is_null(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
    std::string_view text(int row, int col) const {
        return {PQgetvalue(result_.get(), row, col),
                static_cast<size_t>(PQgetlength(result_.get(), row, col))};
    }
    int64_t integer(int row, int col) const;
    bool boolean(int row, int col) const { return text(row, col) == "t"; }
    // Rows touched by an INSERT/UPDATE/DELETE.
    int64_t affected() const;

private:
    PgResultPtr result_;
};

class Connection {
public:
    explicit Connection(const Config::Database& config);
    // With a statement timeout of its own (milliseconds, 0: none) instead of
    // [database] statement_timeout_ms.
    Connection(const Config::Database& config, int statement_timeout_ms);

    // Connects if not connected.  `unavailable` while Postgres is down.
    Result<void> ensure_connected();

    Result<Rows> exec(const Statement& statement, std::initializer_list<Param> params = {});
    // exec() for statements whose rows nobody reads.
    Result<void> run(const Statement& statement, std::initializer_list<Param> params = {});

    // For transaction control and other parameterless utility statements;
    // `sql` may hold several commands (simple query protocol).
    Result<void> exec_simple(const char* sql);

    bool in_transaction() const;

private:
    Result<Rows> run_once(const Statement& statement, std::initializer_list<Param> params);
    bool connection_lost() const;

    std::string url_;
    Secret password_;  // kept for reconnects; never logged, wiped with the connection
    int connect_timeout_;
    int statement_timeout_ms_;
    bool prepared_;
    PgConnPtr conn_;
    std::set<std::string_view> prepared_names_;
};

// Rolls back on destruction unless commit() succeeded.
class Transaction {
public:
    static Result<Transaction> begin(Connection& conn);
    Transaction(Transaction&& other) noexcept : conn_(other.conn_), open_(other.open_) {
        other.open_ = false;
    }
    Transaction(const Transaction&) = delete;
    // Only std::bad_alloc could escape the rollback, which ends the worker anyway.
    // NOLINTNEXTLINE(bugprone-exception-escape)
    ~Transaction();

    Result<void> commit();

    // The connection the transaction runs on, for the statements inside it.
    // A function that must run inside a transaction takes the Transaction,
    // not the Connection, and reaches the database through this.
    Connection& connection() const noexcept { return *conn_; }

private:
    explicit Transaction(Connection& conn) : conn_(&conn) {}
    Connection* conn_;
    bool open_ = true;
};

}  // namespace authd::db
