// mail/outbox.h
//
// The mail outbox (table mail_outbox, sql/0003_mail_outbox.sql): the only
// code that reads or writes it.  Requests queue mail with enqueue() inside
// their own transaction; the mailer child claims, delivers and marks rows
// with the rest.
//
// The template variables (the code included) are stored as JSON sealed
// with the keyring's current AEAD key; the associated data
// "authd-mail\n<template>\n<recipient>" binds them to their row's template
// and recipient, so a payload copied to another row does not open.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/connection.h"
#include "keys/keyring.h"

namespace authd::mail {

// Queues one message.  Must run inside the caller's open transaction (this
// neither begins nor commits): the row exists, and the mailer is woken by
// NOTIFY authd_mail, exactly when the caller commits.  `recipient` is the
// normalised address; `vars` are the template's variables (mail/message.h).
//
// internal when no transaction is open, the template is unknown, or a
// template with a code is given no 6-digit `code`; otherwise the errors of
// sealing and of db::Connection::exec.
Result<void> enqueue(db::Transaction& tx, const keys::Keyring& keys, std::string_view template_name,
                     std::string_view recipient, const std::map<std::string, std::string>& vars);

// A claimed row, as the mailer sees it.
struct PendingMail {
    int64_t id = 0;
    std::string template_name;
    std::string recipient;
    std::string message_id;             // left part of the Message-ID
    std::optional<std::string> sealed;  // AEAD-sealed JSON; nullopt if erased
    std::string key_id;
    int attempts = 0;         // failed attempts so far
    int64_t age_seconds = 0;  // since enqueue
};

// Locks and returns the oldest due row
// (pending, next attempt not in the future) that no other transaction
// holds (FOR UPDATE SKIP LOCKED), or nullopt when there is none.  The lock
// lasts until the caller's transaction ends, so two mailers never hold the
// same row.
Result<std::optional<PendingMail>> claim_next(db::Transaction& tx);

// Decrypts and parses a claimed row's variables.  invalid_input when the
// payload was erased, its key is not in the keyring, the tag does not
// verify (wrong key, tampering, a payload moved between rows) or the
// plaintext is not a JSON object of strings.
Result<std::map<std::string, std::string>> open_payload(const keys::Keyring& keys,
                                                        const PendingMail& mail);

// The three ends of an attempt, each inside the claiming transaction.
// Delivered: records sent_at and erases the payload and its key id.
Result<void> mark_sent(db::Connection& db, int64_t id);
// Failed for now: counts the attempt, retries in `delay_seconds`.
// `error` is stored in last_error: no address, code or variable in it.
Result<void> mark_retry(db::Connection& db, int64_t id, int delay_seconds, std::string_view error);
// Given up for good: records failed_at and erases the payload.
Result<void> mark_given_up(db::Connection& db, int64_t id, std::string_view error);

// How many messages wait to be delivered (neither sent nor given up).
Result<int64_t> count_pending(db::Connection& db);

// What an operator sees of a row (authctl outbox list): its metadata, never
// its payload.
struct OutboxEntry {
    int64_t id = 0;
    std::string template_name;
    std::string recipient;
    int attempts = 0;
    // "pending" (not tried yet), "retrying" (failed attempts, tried again
    // at next_attempt_at), "given_up" (failed_at; payload erased), "sent".
    std::string state;
    std::optional<std::string> last_error;
    std::string created_at;       // RFC 3339 UTC
    std::string next_attempt_at;  // RFC 3339 UTC
};

// The newest `limit` rows, oldest first; with `failed_only`, those that
// failed (retrying or given up) only.
Result<std::vector<OutboxEntry>> list_entries(db::Connection& db, bool failed_only, int limit);

// An operator's retry (authctl outbox retry) in the caller's transaction:
// a retrying row becomes due now and the mailer is woken at commit.  A row
// given up is not made due again: its payload was erased, so there is
// nothing left to send.
enum class RetryOutcome { due_now, not_found, given_up, not_failed };
Result<RetryOutcome> retry_now(db::Transaction& tx, int64_t id);
// Every retrying row due now; returns how many.
Result<int64_t> retry_all_failed(db::Transaction& tx);

// Deletes the rows sent more than a week ago; returns how many.
Result<int64_t> purge_sent(db::Connection& db);

}  // namespace authd::mail
