-- The keyed audit chain. Keep in step with migrations/sqlite/0006_audit_key.sql (identical).

-- Which key signed each row: rows written before the chain was keyed keep 'legacy' and are
-- verified as they were written (SHA-256 over the previous hash and the content); every row
-- since carries the id of the key whose HMAC-SHA256 it holds. The keys themselves live outside
-- the database (BOOKBRIDGE_KEY_FILE). Partners' credentials in connections are sealed in
-- place by the application at start-up; the sealed text names its key too.
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT 'legacy';
