-- Expiring credentials and observe mode (docs/reservio.md, "Credentials" and "Observe mode").
-- A connection whose system answered 401 has `credentials_expired_at` (and which system, and
-- what it said) until someone enters new credentials; meanwhile nothing is written to either
-- system. `observe` = 1: the connection reads, links, compares and flags, but writes nothing;
-- who switched it and when. An outbox row that waits for either has `held` ('observe' or
-- 'credentials_expired') and goes once the hold is lifted.
-- Keep in step with the other database's 0014_credentials_and_observe.sql (identical).
ALTER TABLE connections ADD COLUMN credentials_expired_at BIGINT;
ALTER TABLE connections ADD COLUMN credentials_expired_system TEXT;
ALTER TABLE connections ADD COLUMN credentials_expired_detail TEXT;
ALTER TABLE connections ADD COLUMN observe BIGINT NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN observe_changed_at BIGINT;
ALTER TABLE connections ADD COLUMN observe_changed_by TEXT;
ALTER TABLE outbox ADD COLUMN held TEXT;
