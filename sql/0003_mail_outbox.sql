-- The mail outbox.  A request that must send mail inserts a row in its own
-- transaction (mail::enqueue), so a message exists exactly when the change
-- that caused it committed; the mailer child delivers pending rows.
--
-- payload is the template variables (the code included) as JSON sealed
-- with AES-256-GCM under the AEAD key named by key_id, bound to template
-- and recipient: no code is ever stored in clear.  Delivery erases payload
-- and key_id, so a sent code does not outlive its message on disk.
--
-- A row is pending while sent_at and failed_at are both NULL; failed_at is
-- set only when delivery is given up (a permanent rejection for days).
CREATE TABLE mail_outbox (
    id               bigserial PRIMARY KEY,
    template         text NOT NULL,
    recipient        text NOT NULL,
    payload          bytea,
    key_id           text,
    message_id       text NOT NULL,  -- left part of Message-ID, the same on every attempt
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    failed_at        timestamptz,
    last_error       text,
    CHECK (sent_at IS NULL OR payload IS NULL)
);
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
