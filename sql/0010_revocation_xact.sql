-- The transaction that wrote each revocation, so that the validate workers
-- can read revocations in commit order (validate/revoked_sessions.h): a
-- worker asks for the rows of every transaction from the oldest one that
-- was still running at its previous read, which no commit can slip past,
-- however long its transaction stayed open.  Rows written before this
-- migration, and by an older authd during a rolling upgrade, get the
-- default: the id of the transaction that wrote them.
ALTER TABLE revoked_sessions
    ADD COLUMN revoking_xact xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX revoked_sessions_xact_idx ON revoked_sessions (revoking_xact);
