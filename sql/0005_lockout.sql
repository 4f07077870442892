-- Account lockout.  Keyed by an HMAC of the normalised email, so an
-- unknown email locks exactly like a known one and the table names no one.
-- Password failures and wrong MFA codes share the counter.
CREATE TABLE login_failures (
    subject       bytea PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    window_start  timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz
);
