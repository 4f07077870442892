-- Two-factor authentication: the TOTP secret (AES-256-GCM sealed, the
-- user id as associated data), its backup codes (keyed hashes), and the
-- one-time challenges that carry a login from the password step to the
-- code step.
ALTER TABLE users ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false;

CREATE TABLE mfa_secrets (
    user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed  bytea NOT NULL,
    key_id         text NOT NULL,
    pending        boolean NOT NULL,   -- set up but not yet verified
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_step      bigint              -- the last accepted TOTP time step (replay)
);

CREATE TABLE mfa_backup_codes (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE mfa_challenges (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    used_at      timestamptz,
    remember_me  boolean NOT NULL,
    set_cookie   boolean NOT NULL
);
CREATE INDEX mfa_challenges_expiry_idx ON mfa_challenges (expires_at);
