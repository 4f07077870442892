-- Groups an operator puts users into (authctl groups add/remove).  The
-- access token carries a user's groups, read at login and at every
-- refresh, and the validator can require one of them.  A name is what may
-- appear in a token claim and a comma-separated nginx param: no commas,
-- spaces or control characters, at most 64 characters.
CREATE TABLE user_groups (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name      text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, name)
);
