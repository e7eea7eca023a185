-- A push that failed for good for a transient reason (no answer, 5xx, 429) is tried again by
-- itself while its `push_failed` mismatch is open: at a slow pace, and at once when the system
-- answers again. `retry_at` is when its next slow try is due; NULL for a push the system
-- refused, which stays refused until a person sends it again. Keep in step with
-- migrations/sqlite/0009_undelivered_pushes.sql (identical).
ALTER TABLE outbox ADD COLUMN retry_at BIGINT;
CREATE INDEX outbox_undelivered ON outbox (connection_id, state, retry_at);
