-- Guided procedures and the partner's e-mail outbox. Keep in step with
-- migrations/postgres/0004_procedures.sql (identical but for the identity column).

-- When the runner may next look at an operation (a step waiting for the other system, or a
-- transient failure backing off).
ALTER TABLE operations ADD COLUMN next_run_at BIGINT NOT NULL DEFAULT 0;
-- The Partner Care case an operation was started to settle, if any (resolved when it completes).
ALTER TABLE operations ADD COLUMN case_id BIGINT REFERENCES cases (id);
-- One procedure at a time per booking: a stopped (failed) one must be retried or abandoned first.
CREATE UNIQUE INDEX operations_one_active ON operations (link_id)
    WHERE state IN ('pending', 'running', 'waiting', 'failed');
CREATE INDEX operations_due ON operations (state, next_run_at);

-- Confirmation messages to partners (FAQ rule 6). With SMTP configured they are sent; in the
-- demo they stay `held` and are shown on the Outbox page.
CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
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
    sent_at BIGINT
);
CREATE INDEX email_outbox_due ON email_outbox (state, next_attempt_at);
CREATE INDEX email_outbox_partner ON email_outbox (partner_id, id);
