-- The session that turned 2FA on (verify-setup).  It proved the second
-- factor there, so it may manage the 2FA it enrolled (backup codes,
-- disable) although its amr stays ["pwd"]; every other session of the
-- user ended at enrolment.  No foreign key: a purged session simply
-- matches no caller.  NULL for 2FA enabled before this column existed.
ALTER TABLE mfa_secrets ADD COLUMN IF NOT EXISTS enrolling_session uuid;
