-- Login sessions and their refresh tokens.
CREATE TABLE sessions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,   -- fixed at login, never slides
    auth_time     timestamptz NOT NULL,
    amr           text[] NOT NULL,
    ip            inet,
    user_agent    text,
    revoked_at    timestamptz,
    revoke_reason text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Refresh tokens are stored as SHA-256 hashes.  A token is spent when it is
-- rotated; spent_at anchors its grace window.
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    spent_at    timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Every revocation, kept without a foreign key so that it outlives the
-- session (an account deletion removes its sessions): the validator reads
-- this table to refuse the revoked sessions' access tokens.
CREATE TABLE revoked_sessions (
    session_id  uuid PRIMARY KEY,
    revoked_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_at_idx ON revoked_sessions (revoked_at);
