-- An account whose password must be set again before it signs in: users
-- imported from Cognito (authctl import cognito), whose password hashes
-- Cognito never exports, and AdminResetUserPassword.  Its password_hash
-- then verifies nothing; a sign-in answers PASSWORD_RESET_REQUIRED
-- (PasswordResetRequiredException at the Cognito door) and a password
-- reset, which sets a new hash, clears it.
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_reset_required boolean NOT NULL DEFAULT false;
