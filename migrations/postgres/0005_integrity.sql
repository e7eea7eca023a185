-- Integrity: an external id is unique only within one account of one system, so every snapshot
-- is keyed by its connection as well, and so is every outbox row's idempotency key. Keep in step
-- with migrations/sqlite/0005_integrity.sql (same effect; SQLite rebuilds the two tables).

ALTER TABLE external_bookings DROP CONSTRAINT external_bookings_system_external_id_key;
ALTER TABLE external_bookings ADD CONSTRAINT external_bookings_connection_system_external_id_key
    UNIQUE (connection_id, system, external_id);
DROP INDEX external_bookings_voucher;
CREATE INDEX external_bookings_voucher ON external_bookings (connection_id, voucher_code);
CREATE INDEX external_bookings_counterpart ON external_bookings (connection_id, counterpart_id);

ALTER TABLE outbox DROP CONSTRAINT outbox_idempotency_key_key;
ALTER TABLE outbox ADD CONSTRAINT outbox_connection_idempotency_key_key
    UNIQUE (connection_id, idempotency_key);

-- The periodic full comparison with each system: where the sweep of one connection and system
-- stands, and when the next one is due. Snapshots remember which sweep last listed them.
CREATE TABLE sync_sweeps (
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    system TEXT NOT NULL CHECK (system IN ('reservio', 'termino')),
    position TEXT,
    started_at BIGINT,
    next_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, system)
);
ALTER TABLE external_bookings ADD COLUMN swept_at BIGINT;
