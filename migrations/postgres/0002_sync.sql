-- Sync engine additions. Keep in step with migrations/sqlite/0002_sync.sql (identical).

-- Credentials for each side of a connection, and a lease so that only one instance syncs a
-- connection at a time.
ALTER TABLE connections ADD COLUMN reservio_token TEXT;
ALTER TABLE connections ADD COLUMN termino_token TEXT;
ALTER TABLE connections ADD COLUMN sync_lease_owner TEXT;
ALTER TABLE connections ADD COLUMN sync_lease_until BIGINT;
ALTER TABLE connections ADD COLUMN last_synced_at BIGINT;
ALTER TABLE connections ADD COLUMN last_sync_error TEXT;

-- Why a push was made, and the key of the external booking it created.
ALTER TABLE outbox ADD COLUMN reason TEXT NOT NULL DEFAULT '';

CREATE INDEX booking_links_superseded ON booking_links (connection_id, superseded_by, id);
CREATE INDEX outbox_link ON outbox (link_id, state);
CREATE INDEX cases_link ON cases (link_id, state);
