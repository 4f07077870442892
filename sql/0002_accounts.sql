-- Accounts and the one-time codes mailed to them.
CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email           text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    first_name      text NOT NULL,
    last_name       text NOT NULL,
    email_verified  boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);
-- Finds unverified accounts old enough to purge.
CREATE INDEX users_unverified_idx ON users (created_at) WHERE NOT email_verified;

-- Codes are stored only as keyed hashes (HMAC-SHA-256 over purpose, user
-- id and code).  Issuing a new code supersedes the live one; superseded
-- rows are kept until they expire so that using one answers CODE_EXPIRED
-- rather than INVALID_CODE.
CREATE TABLE email_codes (
    id          bigserial PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    code_hash   bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    superseded  boolean NOT NULL DEFAULT false
);
CREATE INDEX email_codes_user_idx ON email_codes (user_id, purpose);
-- At most one live code per user and purpose.
CREATE UNIQUE INDEX email_codes_live_idx ON email_codes (user_id, purpose) WHERE NOT superseded;
