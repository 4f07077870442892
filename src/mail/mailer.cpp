// mail/mailer.cpp
//
// The mailer loop.  One round delivers every due outbox row, each in its
// own transaction:
//   BEGIN; claim the oldest due row (FOR UPDATE SKIP LOCKED); open its
//   payload; build the message; deliver it; mark it sent (payload erased)
//   or failed (attempts + 1, next attempt after the backoff); COMMIT.
// One row per transaction keeps the row locked, so no other mailer can take
// it, for exactly as long as its delivery lasts, and a failure costs at most
// the one message in hand.  Between rounds the mailer sleeps in poll() on
// its LISTEN connection and the host's wake fd (the child's signalfd), for
// at most 500 ms: a NOTIFY
// wakes it at once, and without one (LISTEN lost, a pooler in between) a
// message waits half a second at most.
//
// Delivery is at-least-once.  If the process or Postgres dies after the
// transport accepted a message but before the COMMIT that marks it sent,
// the row is still pending and is delivered again (with the same
// Message-ID, so a receiver can tell).  The reverse, a row marked sent that
// was never delivered, cannot happen: the mark follows the delivery.
//
// Failures:
//  - transport unavailable (SMTP down, 4xx, I/O error): retried with a
//    backoff of 1, 2, 4 ... seconds capped at mail.retry_max_backoff,
//    forever: no message is lost while the server is down;
//  - refused for good (SMTP 5xx), payload that does not open (a key missing
//    on this host, tampering), a message that cannot be built: logged as an
//    error with the outbox id and retried slowly; after kGiveUpAfter the row
//    is given up (failed_at, payload erased).  A message is never sent
//    without its variables;
//  - Postgres down: logged once, retried every second, never a crash.
#include "mail/mailer.h"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <time.h>

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/c_ptr.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/connection.h"
#include "keys/keyring.h"
#include "mail/file_transport.h"
#include "mail/message.h"
#include "mail/outbox.h"
#include "mail/smtp_transport.h"
#include "metrics/shared_counters.h"

namespace authd::mail {
namespace {

constexpr int kPollMs = 500;
constexpr int64_t kPurgeEveryMs = int64_t{5} * 60 * 1000;
constexpr int kRetryDbMs = 1000;
constexpr int kUndecryptableDelay = 3600;                    // seconds
constexpr int64_t kGiveUpAfter = int64_t{3} * 24 * 60 * 60;  // seconds since enqueue
constexpr const char* kChannel = "authd_mail";

using PgNotifyPtr = CPtr<PGnotify, PQfreemem>;

// A second connection that only LISTENs.  db::Connection does not expose
// its socket, and a LISTEN must sit on a connection nobody runs
// transactions on for the wake-up to arrive while the mailer sleeps.
class Listener {
public:
    explicit Listener(const Config::Database& config)
        : url_(config.url),
          password_(config.password),
          timeout_(std::to_string(config.connect_timeout)) {}

    // Connects and LISTENs when not already listening, at most once a
    // second.  False while it cannot.
    bool ensure() {
        if (conn_) return true;
        const int64_t now = monotonic_ms();
        if (last_try_ms_ != 0 && now - last_try_ms_ < kRetryDbMs) return false;
        last_try_ms_ = now;
        std::vector<const char*> keys = {"dbname", "connect_timeout", "application_name"};
        std::vector<const char*> values = {url_.c_str(), timeout_.c_str(), "authd-mailer"};
        if (!password_.empty()) {
            keys.push_back("password");
            values.push_back(password_.reveal().data());  // NUL-terminated: a std::string
        }
        keys.push_back(nullptr);
        values.push_back(nullptr);
        db::PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), 1));
        if (!conn || PQstatus(conn.get()) != CONNECTION_OK) return false;
        PQsetNoticeProcessor(
            conn.get(), [](void*, const char*) {}, nullptr);
        const std::string listen = std::string("LISTEN ") + kChannel;
        db::PgResultPtr res(PQexec(conn.get(), listen.c_str()));
        if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return false;
        conn_ = std::move(conn);
        return true;
    }

    int socket() const { return conn_ ? PQsocket(conn_.get()) : -1; }

    // Reads what arrived; the notifications only wake the mailer, so they
    // are dropped.  A broken connection is closed, to be reopened later.
    void drain() {
        if (!conn_) return;
        if (PQconsumeInput(conn_.get()) == 0) {
            conn_.reset();
            return;
        }
        while (PgNotifyPtr n{PQnotifies(conn_.get())}) {
        }
    }

private:
    std::string url_;
    Secret password_;
    std::string timeout_;
    db::PgConnPtr conn_;
    int64_t last_try_ms_ = 0;
};

class Mailer {
public:
    Mailer(const Config& config, keys::Keyring keys, std::optional<SmtpTransport> smtp,
           const MailerHost& host)
        : config_(config.mail),
          host_(host),
          sender_{config.mail.from, config.mail.product_name},
          keys_(std::move(keys)),
          smtp_(std::move(smtp)),
          db_(config.database),
          listener_(config.database) {}

    void run() {
        while (!stop_) {
            listener_.ensure();
            auto round = deliver_due();
            note_round(round);
            if (round) housekeep();
            if (stop_) break;
            wait(round ? kPollMs : kRetryDbMs);
        }
    }

private:
    // The host's periodic clean-up of expired rows rides on the mailer, the
    // one child per host that runs on a timer anyway.
    void housekeep() {
        const int64_t now = monotonic_ms();
        if (last_purge_ms_ != 0 && now - last_purge_ms_ < kPurgeEveryMs) return;
        last_purge_ms_ = now;
        auto purged = host_.purge(db_);
        if (!purged) {
            log::warn("purge_failed").str("reason", purged.error().detail);
        } else if (*purged > 0) {
            log::info("purged").num("rows", *purged);
        }
    }

    // Logs a failed round once per distinct cause, and the recovery.
    void note_round(const Result<void>& round) {
        if (round) {
            if (!round_error_.empty()) log::info("mail_round_recovered");
            round_error_.clear();
            return;
        }
        if (round.error().detail == round_error_) return;
        round_error_ = round.error().detail;
        if (round.error().code == ErrorCode::unavailable) {
            log::warn("mail_db_unavailable").str("reason", round_error_);
        } else {
            log::error("mail_round_failed").str("reason", round_error_);
        }
    }

    void wait(int timeout_ms) {
        pollfd fds[2] = {{host_.wake_fd, POLLIN, 0}, {listener_.socket(), POLLIN, 0}};
        const nfds_t n = fds[1].fd >= 0 ? 2 : 1;
        if (poll(fds, n, timeout_ms) < 0) return;  // EINTR: signals are blocked; go on
        if ((fds[0].revents & POLLIN) && host_.stop_requested()) stop_ = true;
        if (n == 2 && fds[1].revents != 0) listener_.drain();
    }

    // Until no row is due or a stop is asked for.
    Result<void> deliver_due() {
        for (;;) {
            auto handled = deliver_one();
            if (!handled) return Unexpected{handled.error()};
            if (!*handled) return {};
            // NB: a stop waits for the message in hand, never for the queue.
            if (host_.stop_requested()) {
                stop_ = true;
                return {};
            }
        }
    }

    // True when a row was claimed and its outcome committed.
    Result<bool> deliver_one() {
        auto tx = db::Transaction::begin(db_);
        if (!tx) return Unexpected{tx.error()};
        auto claimed = claim_next(*tx);
        if (!claimed) return Unexpected{claimed.error()};
        if (!*claimed) return false;  // the transaction rolls back: nothing to keep
        const PendingMail& mail = **claimed;

        auto marked = attempt(mail);
        if (!marked) {
            log::error("mail_mark_failed")
                .num("outbox_id", mail.id)
                .str("reason", marked.error().detail);
            return Unexpected{marked.error()};
        }
        if (auto c = tx->commit(); !c) {
            // The at-least-once edge: delivered (perhaps), not recorded.
            log::error("mail_commit_failed")
                .num("outbox_id", mail.id)
                .str("reason", c.error().detail);
            return Unexpected{c.error()};
        }
        return true;
    }

    // Opens, builds and delivers one claimed row and records the outcome.
    Result<void> attempt(const PendingMail& mail) {
        auto vars = open_payload(keys_, mail);
        if (!vars) {
            log::error("mail_payload_unreadable")
                .num("outbox_id", mail.id)
                .str("template", mail.template_name)
                .str("reason", vars.error().detail);
            return defer_permanent(mail, kUndecryptableDelay, vars.error().detail);
        }
        auto message = build_message(mail.template_name, mail.recipient, *vars, sender_,
                                     mail.message_id, unix_now());
        if (!message) {
            log::error("mail_build_failed")
                .num("outbox_id", mail.id)
                .str("template", mail.template_name)
                .str("reason", message.error().detail);
            return defer_permanent(mail, config_.retry_max_backoff, message.error().detail);
        }

        auto sent = deliver(*message, mail.id);
        if (sent) {
            log::info("mail_sent")
                .num("outbox_id", mail.id)
                .str("template", mail.template_name)
                .num("attempts", mail.attempts + 1);
            return mark_sent(db_, mail.id);
        }
        if (sent.error().code == ErrorCode::invalid_input) {
            log::error("mail_refused")
                .num("outbox_id", mail.id)
                .str("template", mail.template_name)
                .str("reason", sent.error().detail);
            return defer_permanent(mail, config_.retry_max_backoff, sent.error().detail);
        }
        metrics::count(metrics::Event::mail_delivery_failed);
        const int delay = retry_delay_seconds(mail.attempts, config_.retry_max_backoff);
        log::warn("mail_deferred")
            .num("outbox_id", mail.id)
            .str("template", mail.template_name)
            .num("attempts", mail.attempts + 1)
            .num("retry_in", delay)
            .str("reason", sent.error().detail);
        return mark_retry(db_, mail.id, delay, sent.error().detail);
    }

    // A failure that waiting will not cure by itself: retried slowly, in
    // case an operator fixes its cause, and given up once the row is old.
    Result<void> defer_permanent(const PendingMail& mail, int delay, const std::string& why) {
        metrics::count(metrics::Event::mail_delivery_failed);
        if (mail.age_seconds >= kGiveUpAfter) {
            log::error("mail_given_up")
                .num("outbox_id", mail.id)
                .str("template", mail.template_name);
            return mark_given_up(db_, mail.id, why);
        }
        return mark_retry(db_, mail.id, delay, why);
    }

    Result<void> deliver(const Message& message, int64_t outbox_id) {
        if (smtp_) return smtp_->send(message);
        auto written = write_message_file(config_.dir, outbox_id, message, unix_now());
        if (!written) return Unexpected{written.error()};
        return {};
    }

    const Config::Mail& config_;
    const MailerHost& host_;
    int64_t last_purge_ms_ = 0;
    Sender sender_;
    keys::Keyring keys_;
    std::optional<SmtpTransport> smtp_;  // nullopt: the file transport
    db::Connection db_;
    Listener listener_;
    bool stop_ = false;
    std::string round_error_;  // the cause last logged; empty while rounds succeed
};

Result<void> mailer_main(const Config& config, const MailerHost& host) {
    auto keys = keys::Keyring::load_for(config);
    if (!keys) {
        log::error("mailer_keys").str("reason", keys.error().detail);
        return fail(ErrorCode::invalid_input, keys.error().detail);
    }
    if (auto ok = check_transport_settings(config.mail); !ok) {
        log::error("mailer_config").str("reason", ok.error().detail);
        return fail(ErrorCode::invalid_input, ok.error().detail);
    }
    std::optional<SmtpTransport> smtp;
    if (config.mail.transport == "smtp") {
        auto t = SmtpTransport::create(config.mail);
        if (!t) {
            log::error("mailer_config").str("reason", t.error().detail);
            return fail(ErrorCode::invalid_input, t.error().detail);
        }
        smtp.emplace(std::move(*t));
    }
    log::info("mailer_started").str("transport", smtp ? "smtp" : "file");
    Mailer mailer(config, std::move(*keys), std::move(smtp), host);
    mailer.run();
    log::info("mailer_stopped");
    return {};
}

}  // namespace

Result<void> check_transport_settings(const Config::Mail& mail) {
    if (mail.transport == "smtp") return check_smtp_settings(mail);
    return check_mail_dir(mail.dir);
}

int retry_delay_seconds(int attempts, int max_backoff) {
    const int exponent = attempts < 0 ? 0 : (attempts > 30 ? 30 : attempts);
    const int64_t delay = int64_t{1} << exponent;
    if (max_backoff < 1) return 1;
    return static_cast<int>(delay < max_backoff ? delay : max_backoff);
}

Result<void> run_mailer(const Config& config, const MailerHost& host) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log::error("mailer_curl_init_failed");
        return fail(ErrorCode::internal, "curl_global_init failed");
    }
    auto ran = mailer_main(config, host);
    curl_global_cleanup();
    return ran;
}

}  // namespace authd::mail
