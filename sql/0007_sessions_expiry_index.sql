-- The validate workers read the sessions whose fixed end has just passed
-- (their access tokens must stop working with the session, as the API
-- pool's session check does) with a range scan on expires_at.
CREATE INDEX IF NOT EXISTS sessions_expires_idx ON sessions (expires_at);
