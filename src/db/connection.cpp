// db/connection.cpp
#include "db/connection.h"

#include <charconv>
#include <cstdlib>
#include <vector>

#include "core/log.h"
#include "metrics/shared_counters.h"

namespace authd::db {
namespace {

Unexpected<Error> from_result(const PGresult* res, PGconn* conn) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string detail = "postgres";
    if (state) detail += std::string(" ") + state;
    if (primary) {
        detail += std::string(": ") + primary;
    } else if (conn) {
        detail += std::string(": ") + PQerrorMessage(conn);
    }
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
    std::string_view s = state ? state : "";
    // A unique violation is an answer (the email is taken), not a failure.
    if (s == "23505") return fail(ErrorCode::conflict, detail);
    metrics::count(metrics::Event::postgres_error);
    // NB: 57014 is the statement_timeout (or a cancel) and 55P03 a lock not
    // granted: Postgres too slow to answer in time is the database being
    // unavailable, not an internal error.
    if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "57014" ||
        s == "55P03" || (conn && PQstatus(conn) != CONNECTION_OK)) {
        return fail(ErrorCode::unavailable, detail);
    }
    return fail(ErrorCode::internal, detail);
}

}  // namespace

int64_t Rows::integer(int row, int col) const {
    std::string_view t = text(row, col);
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

int64_t Rows::affected() const {
    const char* n = PQcmdTuples(result_.get());
    return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Connection::Connection(const Config::Database& config)
    : Connection(config, config.statement_timeout_ms) {}

Connection::Connection(const Config::Database& config, int statement_timeout_ms)
    : url_(config.url),
      password_(config.password),
      connect_timeout_(config.connect_timeout),
      statement_timeout_ms_(statement_timeout_ms),
      prepared_(config.prepared_statements) {}

Result<void> Connection::ensure_connected() {
    if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return {};
    prepared_names_.clear();
    std::string timeout = std::to_string(connect_timeout_);
    std::vector<const char*> keys = {"dbname", "connect_timeout", "application_name"};
    std::vector<const char*> values = {url_.c_str(), timeout.c_str(), "authd"};
    if (!password_.empty()) {
        keys.push_back("password");
        // NB: a Secret holds a std::string, so its bytes end in a NUL.
        values.push_back(password_.reveal().data());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_.reset(PQconnectdbParams(keys.data(), values.data(), 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
        std::string why = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
        while (!why.empty() && why.back() == '\n') why.pop_back();
        conn_.reset();
        metrics::count(metrics::Event::postgres_error);
        return fail(ErrorCode::unavailable, "postgres connect: " + why);
    }
    // Server notices ("relation already exists, skipping") are not errors
    // and must not reach stderr unstructured.
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
    // A session setting, not a startup option: PgBouncer refuses unknown
    // startup parameters.
    if (statement_timeout_ms_ > 0) {
        const std::string set = "SET statement_timeout = " + std::to_string(statement_timeout_ms_);
        PgResultPtr res(PQexec(conn_.get(), set.c_str()));
        if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
            auto failed = from_result(res.get(), conn_.get());
            conn_.reset();
            return fail(ErrorCode::unavailable, "postgres connect: " + failed.error.detail);
        }
    }
    return {};
}

bool Connection::connection_lost() const {
    return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK;
}

bool Connection::in_transaction() const {
    if (!conn_) return false;
    PGTransactionStatusType s = PQtransactionStatus(conn_.get());
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

Result<Rows> Connection::run_once(const Statement& st, std::initializer_list<Param> params) {
    if (auto c = ensure_connected(); !c) return Unexpected{c.error()};
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(values.size());
    PGconn* conn = conn_.get();
    PgResultPtr res;
    if (st.name.empty() && n == 0) {
        // Utility statements (BEGIN, COMMIT, migrations): the simple
        // protocol, which also allows several commands in one string.
        std::string sql(st.sql);
        res.reset(PQexec(conn, sql.c_str()));
    } else if (prepared_) {
        if (!prepared_names_.contains(st.name)) {
            std::string name(st.name), sql(st.sql);
            PgResultPtr prep(PQprepare(conn, name.c_str(), sql.c_str(), n, nullptr));
            if (PQresultStatus(prep.get()) != PGRES_COMMAND_OK)
                return from_result(prep.get(), conn);
            prepared_names_.insert(st.name);
        }
        std::string name(st.name);
        res.reset(PQexecPrepared(conn, name.c_str(), n, values.data(), nullptr, nullptr, 0));
    } else {
        std::string sql(st.sql);
        res.reset(PQexecParams(conn, sql.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0));
    }
    ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return from_result(res.get(), conn);
    return Rows(std::move(res));
}

Result<Rows> Connection::exec(const Statement& st, std::initializer_list<Param> params) {
    const bool had_transaction = in_transaction();
    auto r = run_once(st, params);
    if (r || r.error().code != ErrorCode::unavailable || had_transaction || !conn_) return r;
    if (!connection_lost()) return r;
    // NB: retry only outside a transaction: inside one, the earlier
    // statements died with the connection and must not be half-replayed.
    log::warn("postgres_reconnect").str("statement", st.name);
    conn_.reset();
    return run_once(st, params);
}

Result<void> Connection::run(const Statement& st, std::initializer_list<Param> params) {
    auto r = exec(st, params);
    if (!r) return Unexpected{r.error()};
    return {};
}

Result<void> Connection::exec_simple(const char* sql) {
    auto r = exec(Statement{"", sql});
    if (!r) return Unexpected{r.error()};
    return {};
}

Result<Transaction> Transaction::begin(Connection& conn) {
    if (auto r = conn.exec_simple("BEGIN"); !r) return Unexpected{r.error()};
    return Transaction(conn);
}

// NOLINTNEXTLINE(bugprone-exception-escape): as the declaration says
Transaction::~Transaction() {
    if (open_ && conn_->in_transaction()) (void)conn_->exec_simple("ROLLBACK");
}

Result<void> Transaction::commit() {
    open_ = false;
    return conn_->exec_simple("COMMIT");
}

}  // namespace authd::db
