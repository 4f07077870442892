// mail/outbox.cpp
//
// Owns the mail_outbox table.  Invariants:
//  - A row is inserted only inside the transaction of the change that
//    causes the mail, together with a NOTIFY that Postgres delivers at
//    commit: no mail for a rolled-back change, no change without its mail.
//  - No code or variable is stored in clear: the payload is AEAD-sealed
//    JSON (key id kept for rotation) and erased once the message is sent or
//    given up.  Everything else in the row (template, recipient, times,
//    last_error) is metadata the operator may read.
//  - Rows are claimed one at a time with FOR UPDATE SKIP LOCKED, so any
//    number of mailers (one per host) share the queue without taking the
//    same row; the row stays locked until the claimer commits its result.
#include "mail/outbox.h"

#include <cjson/cJSON.h>

#include "crypto/aead.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "json/document.h"
#include "json/writer.h"
#include "mail/message.h"

namespace authd::mail {
namespace {

constexpr size_t kMessageIdLetters = 24;  // about 112 bits

// One statement, so the row and its wake-up travel in one round trip;
// the notification is only delivered when the caller's transaction commits.
constexpr db::Statement kEnqueue{
    "mail_enqueue",
    "WITH queued AS ("
    " INSERT INTO mail_outbox (template, recipient, payload, key_id, message_id)"
    " VALUES ($1, $2, decode($3, 'hex'), $4, $5) RETURNING id)"
    " SELECT pg_notify('authd_mail', '') FROM queued"};

constexpr db::Statement kClaimNext{
    "mail_claim_next",
    "SELECT id, template, recipient, encode(payload, 'hex'), key_id, message_id, attempts,"
    " extract(epoch FROM now() - created_at)::bigint"
    " FROM mail_outbox"
    " WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()"
    " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"};

constexpr db::Statement kMarkSent{
    "mail_mark_sent",
    "UPDATE mail_outbox SET sent_at = now(), payload = NULL, key_id = NULL,"
    " attempts = attempts + 1 WHERE id = $1"};

constexpr db::Statement kMarkRetry{
    "mail_mark_retry",
    "UPDATE mail_outbox SET attempts = attempts + 1,"
    " next_attempt_at = now() + $2::integer * interval '1 second', last_error = $3"
    " WHERE id = $1"};

constexpr db::Statement kMarkGivenUp{
    "mail_mark_given_up",
    "UPDATE mail_outbox SET failed_at = now(), payload = NULL, key_id = NULL,"
    " attempts = attempts + 1, last_error = $2 WHERE id = $1"};

constexpr db::Statement kCountPending{
    "mail_count_pending",
    "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL"};

constexpr db::Statement kPurgeSent{
    "purge_mail", "DELETE FROM mail_outbox WHERE sent_at < now() - interval '7 days'"};

#define AUTHD_OUTBOX_STATE                                                 \
    "CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN failed_at IS NOT NULL" \
    " THEN 'given_up' WHEN attempts > 0 THEN 'retrying' ELSE 'pending' END"

constexpr db::Statement kListEntries{
    "mail_list_entries",
    "SELECT id, template, recipient, attempts, " AUTHD_OUTBOX_STATE
    ", last_error,"
    " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(next_attempt_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM mail_outbox WHERE NOT $1::boolean"
    " OR (sent_at IS NULL AND (failed_at IS NOT NULL OR attempts > 0))"
    " ORDER BY id DESC LIMIT $2::int"};

constexpr db::Statement kStateOf{
    "mail_state_of", "SELECT " AUTHD_OUTBOX_STATE " FROM mail_outbox WHERE id = $1 FOR UPDATE"};

#undef AUTHD_OUTBOX_STATE

// Due now, and the mailer woken when the caller commits.
constexpr db::Statement kRetryNow{
    "mail_retry_now",
    "WITH due AS (UPDATE mail_outbox SET next_attempt_at = now()"
    " WHERE ($1::bigint IS NULL OR id = $1::bigint) AND sent_at IS NULL AND failed_at IS NULL"
    " AND attempts > 0 RETURNING id)"
    " SELECT count(*), pg_notify('authd_mail', '') FROM due"};

std::string associated_data(std::string_view template_name, std::string_view recipient) {
    std::string ad = "authd-mail\n";
    ad.append(template_name).append("\n").append(recipient);
    return ad;
}

std::string random_message_id() {
    std::string id;
    for (size_t i = 0; i < kMessageIdLetters; ++i) {
        id += static_cast<char>('a' + crypto::random_below(26));
    }
    return id;
}

bool is_six_digits(std::string_view code) {
    if (code.size() != 6) return false;
    for (char c : code) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

std::optional<std::string> hex_decode(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(hex.size() / 2);
    for (size_t i = 0; i < hex.size(); i += 2) {
        int hi = nibble(hex[i]);
        int lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi << 4 | lo);
    }
    return out;
}

Result<void> done(const Result<db::Rows>& r) {
    if (!r) return Unexpected{r.error()};
    return {};
}

}  // namespace

Result<void> enqueue(db::Transaction& tx, const keys::Keyring& keys, std::string_view template_name,
                     std::string_view recipient, const std::map<std::string, std::string>& vars) {
    db::Connection& db = tx.connection();
    if (!db.in_transaction()) {
        return fail(ErrorCode::internal, "mail::enqueue needs the caller's open transaction");
    }
    if (!is_template(template_name)) return fail(ErrorCode::internal, "mail: unknown template");
    // NB: refuse here, in the request, rather than queue a message the
    // mailer could only ever fail to build.
    if (template_has_code(template_name)) {
        auto code = vars.find("code");
        if (code == vars.end() || !is_six_digits(code->second)) {
            return fail(ErrorCode::internal,
                        "mail: " + std::string(template_name) + " needs a 6-digit code");
        }
    }

    json::Writer w;
    w.begin_object();
    for (const auto& [name, value] : vars) w.key(name).string(value);
    w.end_object();
    const Secret plaintext(std::move(w).str());

    const keys::AeadKey& key = keys.aead_current();
    auto sealed =
        crypto::aead_seal(key.key, plaintext.reveal(), associated_data(template_name, recipient));
    if (!sealed) return Unexpected{sealed.error()};
    return done(db.exec(kEnqueue, {std::string(template_name), std::string(recipient),
                                   crypto::hex_encode(*sealed), key.id, random_message_id()}));
}

Result<std::optional<PendingMail>> claim_next(db::Transaction& tx) {
    db::Connection& db = tx.connection();
    auto rows = db.exec(kClaimNext);
    if (!rows) return Unexpected{rows.error()};
    if (rows->empty()) return std::optional<PendingMail>{};
    PendingMail m;
    m.id = rows->integer(0, 0);
    m.template_name = std::string(rows->text(0, 1));
    m.recipient = std::string(rows->text(0, 2));
    if (!rows->is_null(0, 3)) m.sealed = std::string(rows->text(0, 3));  // still hex here
    if (!rows->is_null(0, 4)) m.key_id = std::string(rows->text(0, 4));
    m.message_id = std::string(rows->text(0, 5));
    m.attempts = static_cast<int>(rows->integer(0, 6));
    m.age_seconds = rows->integer(0, 7);
    if (m.sealed) {
        auto bytes = hex_decode(*m.sealed);
        if (!bytes) return fail(ErrorCode::internal, "mail: outbox payload is not hex");
        m.sealed = std::move(*bytes);
    }
    return std::optional<PendingMail>(std::move(m));
}

Result<std::map<std::string, std::string>> open_payload(const keys::Keyring& keys,
                                                        const PendingMail& mail) {
    if (!mail.sealed || mail.key_id.empty()) {
        return fail(ErrorCode::invalid_input, "mail: payload erased");
    }
    const keys::AeadKey* key = keys.find_aead(mail.key_id);
    if (!key) {
        return fail(ErrorCode::invalid_input,
                    "mail: aead key " + mail.key_id + " is not in the keyring");
    }
    auto plaintext = crypto::aead_open(key->key, *mail.sealed,
                                       associated_data(mail.template_name, mail.recipient));
    if (!plaintext) return Unexpected{plaintext.error()};

    const std::string_view text = plaintext->reveal();
    json::JsonPtr tree(cJSON_ParseWithLength(text.data(), text.size()));
    if (!tree || !cJSON_IsObject(tree.get())) {
        return fail(ErrorCode::invalid_input, "mail: payload is not a JSON object");
    }
    std::map<std::string, std::string> vars;
    const cJSON* item = nullptr;
    cJSON_ArrayForEach(item, tree.get()) {
        if (!cJSON_IsString(item) || !item->string) {
            return fail(ErrorCode::invalid_input, "mail: payload holds a value that is no string");
        }
        vars[item->string] = item->valuestring;
    }
    return vars;
}

Result<std::vector<OutboxEntry>> list_entries(db::Connection& db, bool failed_only, int limit) {
    auto rows = db.exec(kListEntries, {failed_only ? "true" : "false", std::to_string(limit)});
    if (!rows) return Unexpected{rows.error()};
    std::vector<OutboxEntry> out;
    out.reserve(static_cast<size_t>(rows->size()));
    for (int r = rows->size() - 1; r >= 0; --r) {
        OutboxEntry e;
        e.id = rows->integer(r, 0);
        e.template_name = std::string(rows->text(r, 1));
        e.recipient = std::string(rows->text(r, 2));
        e.attempts = static_cast<int>(rows->integer(r, 3));
        e.state = std::string(rows->text(r, 4));
        if (!rows->is_null(r, 5)) e.last_error = std::string(rows->text(r, 5));
        e.created_at = std::string(rows->text(r, 6));
        e.next_attempt_at = std::string(rows->text(r, 7));
        out.push_back(std::move(e));
    }
    return out;
}

Result<RetryOutcome> retry_now(db::Transaction& tx, int64_t id) {
    db::Connection& db = tx.connection();
    auto state = db.exec(kStateOf, {std::to_string(id)});
    if (!state) return Unexpected{state.error()};
    if (state->empty()) return RetryOutcome::not_found;
    if (state->text(0, 0) == "given_up") return RetryOutcome::given_up;
    if (state->text(0, 0) != "retrying") return RetryOutcome::not_failed;
    if (auto r = db.exec(kRetryNow, {std::to_string(id)}); !r) return Unexpected{r.error()};
    return RetryOutcome::due_now;
}

Result<int64_t> retry_all_failed(db::Transaction& tx) {
    auto rows = tx.connection().exec(kRetryNow, {std::nullopt});
    if (!rows) return Unexpected{rows.error()};
    return rows->integer(0, 0);
}

Result<void> mark_sent(db::Connection& db, int64_t id) {
    return done(db.exec(kMarkSent, {std::to_string(id)}));
}

Result<void> mark_retry(db::Connection& db, int64_t id, int delay_seconds, std::string_view error) {
    return done(db.exec(kMarkRetry,
                        {std::to_string(id), std::to_string(delay_seconds), std::string(error)}));
}

Result<void> mark_given_up(db::Connection& db, int64_t id, std::string_view error) {
    return done(db.exec(kMarkGivenUp, {std::to_string(id), std::string(error)}));
}

Result<int64_t> count_pending(db::Connection& db) {
    auto r = db.exec(kCountPending);
    if (!r) return Unexpected{r.error()};
    return r->integer(0, 0);
}

Result<int64_t> purge_sent(db::Connection& db) {
    auto r = db.exec(kPurgeSent);
    if (!r) return Unexpected{r.error()};
    return r->affected();
}

}  // namespace authd::mail
