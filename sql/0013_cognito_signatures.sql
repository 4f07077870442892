-- SigV4 signatures of the Cognito-compatible API's admin operations, kept
-- while their X-Amz-Date is within the accepted window (cognito/sigv4.h):
-- a captured request replayed within that window is refused, on every
-- host.  Stored as SHA-256 of the signature; rows past the window are
-- deleted as new ones arrive.
CREATE TABLE IF NOT EXISTS cognito_signatures (
    signature_hash bytea PRIMARY KEY,
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS cognito_signatures_seen_at ON cognito_signatures (seen_at);
