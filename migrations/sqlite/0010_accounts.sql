-- Accounts: invitations and password resets by e-mail, the user's own time zone, a second
-- factor (TOTP) with recovery codes, and the throttle of the second step and of reset requests.
-- Keep in step with migrations/postgres/0010_accounts.sql: only the id columns and the way
-- email_outbox.partner_id loses its NOT NULL differ.

ALTER TABLE users ADD COLUMN timezone TEXT;
-- The TOTP secret (base32) once enrolment is confirmed; NULL without a second factor.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- The last 30-second step whose code was accepted: a code is good once (RFC 6238 5.2).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Invitation and reset links. Only the SHA-256 of the token is stored; the token itself is
-- in the e-mail alone.
CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT,
    created_by BIGINT REFERENCES users (id)
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- One-time recovery codes of the second factor, as SHA-256 hashes.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Attempts counted like login attempts: 'second_factor' and 'current_password' (subject: the
-- user id) and 'reset_request' (subject: the e-mail address asked for).
CREATE TABLE account_attempts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('second_factor', 'current_password', 'reset_request')),
    subject TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX account_attempts_subject ON account_attempts (kind, subject, at);
CREATE INDEX account_attempts_ip ON account_attempts (kind, ip, at);

-- Account e-mails go to staff too, who have no partner; SQLite cannot drop a NOT NULL, so the
-- table is rebuilt. account_token_id marks a message carrying a private link: it is kept off
-- the Outbox page and its body is blanked once sent or no longer needed.
CREATE TABLE email_outbox_new (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT REFERENCES partners (id),
    operation_id BIGINT REFERENCES operations (id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'held')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    account_token_id BIGINT REFERENCES account_tokens (id)
);
INSERT INTO email_outbox_new (id, partner_id, operation_id, recipient, subject, body, state,
    attempts, next_attempt_at, last_error, lease_owner, lease_until, created_at, sent_at)
SELECT id, partner_id, operation_id, recipient, subject, body, state, attempts, next_attempt_at,
    last_error, lease_owner, lease_until, created_at, sent_at FROM email_outbox;
DROP TABLE email_outbox;
ALTER TABLE email_outbox_new RENAME TO email_outbox;
CREATE INDEX email_outbox_due ON email_outbox (state, next_attempt_at);
CREATE INDEX email_outbox_partner ON email_outbox (partner_id, id);
