-- Integrity: an external id is unique only within one account of one system, so every snapshot
-- is keyed by its connection as well, and so is every outbox row's idempotency key. Keep in step
-- with migrations/postgres/0005_integrity.sql (same effect; SQLite cannot drop a table
-- constraint, so both tables are rebuilt here with every row kept).

-- booking_links refers to external_bookings: the rows are put back under the same ids before
-- the transaction ends, and the check waits until then.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE external_bookings_copy AS SELECT * FROM external_bookings;
DROP TABLE external_bookings;
CREATE TABLE external_bookings (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    system TEXT NOT NULL CHECK (system IN ('reservio', 'termino')),
    external_id TEXT NOT NULL,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    service_id TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    customer_phone TEXT NOT NULL,
    status TEXT NOT NULL,
    voucher_code TEXT,
    counterpart_id TEXT,
    self_rescheduled BIGINT NOT NULL DEFAULT 0,
    remote_version TEXT,
    remote_updated_at BIGINT,
    content_hash TEXT NOT NULL,
    raw_payload TEXT NOT NULL,
    fetched_at BIGINT NOT NULL,
    vanished_at BIGINT,
    UNIQUE (connection_id, system, external_id)
);
INSERT INTO external_bookings (id, connection_id, system, external_id, start_at, end_at,
    service_id, customer_name, customer_email, customer_phone, status, voucher_code,
    counterpart_id, self_rescheduled, remote_version, remote_updated_at, content_hash,
    raw_payload, fetched_at, vanished_at)
SELECT id, connection_id, system, external_id, start_at, end_at, service_id, customer_name,
    customer_email, customer_phone, status, voucher_code, counterpart_id, self_rescheduled,
    remote_version, remote_updated_at, content_hash, raw_payload, fetched_at, vanished_at
FROM external_bookings_copy;
DROP TABLE external_bookings_copy;
CREATE INDEX external_bookings_connection ON external_bookings (connection_id, system);
CREATE INDEX external_bookings_voucher ON external_bookings (connection_id, voucher_code);
CREATE INDEX external_bookings_counterpart ON external_bookings (connection_id, counterpart_id);

CREATE TABLE outbox_copy AS SELECT * FROM outbox;
DROP TABLE outbox;
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    link_id BIGINT REFERENCES booking_links (id),
    operation_id BIGINT REFERENCES operations (id),
    system TEXT NOT NULL CHECK (system IN ('reservio', 'termino')),
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (connection_id, idempotency_key)
);
INSERT INTO outbox (id, connection_id, link_id, operation_id, system, action, payload,
    idempotency_key, state, attempts, next_attempt_at, last_error, lease_owner, lease_until,
    created_at, done_at, reason)
SELECT id, connection_id, link_id, operation_id, system, action, payload, idempotency_key,
    state, attempts, next_attempt_at, last_error, lease_owner, lease_until, created_at, done_at,
    reason
FROM outbox_copy;
DROP TABLE outbox_copy;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_link ON outbox (link_id, state);

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
