-- An account an operator disabled (authctl user disable): set while it is
-- disabled, NULL otherwise.  A disabled account signs in nowhere (password,
-- second factor, refresh, authctl token mint); its sessions were revoked in
-- the transaction that set this, so the validators refuse its tokens within
-- the revocation bound.  Its password, 2FA and groups are kept for enable.
ALTER TABLE users ADD COLUMN IF NOT EXISTS disabled_at timestamptz;
