// mail/mailer.h
//
// The mailer: a child process of the master (next to the api and validate
// pools) that delivers the mail outbox.  It holds its own Postgres
// connections, the keyring (to open payloads) and one transport: files in
// mail.dir, or SMTP to mail.smtp_url.
//
// Guarantees: a queued message is delivered within about a second of the
// commit that queued it (NOTIFY authd_mail, and a poll at least every
// 500 ms); it is retried while the transport or Postgres is down, with a
// backoff that doubles up to mail.retry_max_backoff, and never lost;
// mailers on several hosts never take the same message.  Delivery is
// at-least-once: see mailer.cpp.
#pragma once

#include <cstdint>
#include <functional>

#include "core/config.h"
#include "core/result.h"
#include "db/connection.h"

namespace authd::mail {

// What the process that runs the mailer lends it (main.cpp: the child's
// signalfd and the host's housekeeping); the mailer knows neither.
struct MailerHost {
    // Readable when a stop may have been asked for: the mailer sleeps in
    // poll() on it between rounds.
    int wake_fd = -1;
    // Whether a stop was asked for; consumes the request.  The mailer
    // finishes the message in hand, never the queue, once it says yes.
    std::function<bool()> stop_requested;
    // The host's periodic clean-up, run on the mailer's connection every
    // few minutes: the rows it deleted.
    std::function<Result<int64_t>(db::Connection&)> purge;
};

// The mailer process's main: returns when host.stop_requested() says so.
// invalid_input, already logged, when the keys cannot be loaded, the mail
// directory is unusable, or the SMTP settings cannot work (the caller
// exits so that the master does not respawn it); internal when libcurl
// cannot start.
Result<void> run_mailer(const Config& config, const MailerHost& host);

// What run_mailer refuses at start besides the keys, checked without
// starting a transport: the file transport needs [mail] dir to be a
// directory this process may write; smtp needs an smtp:// or smtps://
// [mail] smtp_url and an address in [mail] from.  The error's detail names
// the setting ("[mail] dir ...").
Result<void> check_transport_settings(const Config::Mail& mail);

// Seconds to wait before the next attempt after `attempts` failed ones:
// 1, 2, 4, 8, ... and never more than `max_backoff` (nor less than 1).
int retry_delay_seconds(int attempts, int max_backoff);

}  // namespace authd::mail
