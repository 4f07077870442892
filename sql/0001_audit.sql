-- Audit trail of security events.  No foreign key to users: audit rows
-- outlive the accounts they mention.
CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    event       text NOT NULL,
    user_id     uuid,
    ip          inet,
    user_agent  text,
    request_id  text,
    detail      jsonb
);
CREATE INDEX audit_events_user_idx ON audit_events (user_id, at);
CREATE INDEX audit_events_at_idx ON audit_events (at);
