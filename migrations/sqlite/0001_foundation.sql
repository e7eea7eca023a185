-- bookbridge schema, SQLite flavour. Keep in step with migrations/postgres/0001_foundation.sql:
-- the only differences are the auto-increment id columns.
-- Instants are Unix seconds (UTC) written by the application; flags are 0/1 integers.

CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    timezone TEXT NOT NULL DEFAULT 'Europe/Prague',
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('partner', 'partner_care', 'sales_rep', 'admin')),
    partner_id BIGINT REFERENCES partners (id),
    disabled BIGINT NOT NULL DEFAULT 0,
    locale TEXT,
    created_at BIGINT NOT NULL,
    CHECK ((role = 'partner' AND partner_id IS NOT NULL) OR (role <> 'partner' AND partner_id IS NULL))
);
CREATE INDEX users_partner ON users (partner_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded BIGINT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

CREATE TABLE connections (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    connection_code TEXT NOT NULL UNIQUE,
    reservio_business_id TEXT,
    termino_partner_id TEXT,
    webhook_secret TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('requested', 'mapped', 'verifying', 'active', 'rejected', 'suspended', 'disconnected')),
    requested_at BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    mapped_at BIGINT,
    mapped_by TEXT,
    verifying_at BIGINT,
    verifying_by TEXT,
    active_at BIGINT,
    active_by TEXT,
    rejected_at BIGINT,
    rejected_by TEXT,
    suspended_at BIGINT,
    suspended_by TEXT,
    disconnected_at BIGINT,
    disconnected_by TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX connections_partner ON connections (partner_id);

CREATE TABLE service_mappings (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    reservio_service_id TEXT NOT NULL,
    reservio_service_name TEXT NOT NULL,
    termino_offer_id TEXT NOT NULL,
    termino_offer_name TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (connection_id, reservio_service_id),
    UNIQUE (connection_id, termino_offer_id)
);

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
    UNIQUE (system, external_id)
);
CREATE INDEX external_bookings_connection ON external_bookings (connection_id, system);
CREATE INDEX external_bookings_voucher ON external_bookings (voucher_code);

CREATE TABLE booking_links (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    reservio_booking_id BIGINT REFERENCES external_bookings (id),
    termino_booking_id BIGINT REFERENCES external_bookings (id),
    voucher_code TEXT,
    origin_system TEXT NOT NULL CHECK (origin_system IN ('reservio', 'termino')),
    base_start_at BIGINT,
    base_end_at BIGINT,
    base_service_id TEXT,
    base_customer_name TEXT,
    base_customer_email TEXT,
    base_customer_phone TEXT,
    base_status TEXT,
    change_pending_since BIGINT,
    superseded_by BIGINT REFERENCES booking_links (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX booking_links_partner ON booking_links (partner_id, base_start_at);
CREATE INDEX booking_links_connection ON booking_links (connection_id);
CREATE UNIQUE INDEX booking_links_reservio ON booking_links (reservio_booking_id) WHERE superseded_by IS NULL;
CREATE UNIQUE INDEX booking_links_termino ON booking_links (termino_booking_id) WHERE superseded_by IS NULL;

CREATE TABLE mismatches (
    id INTEGER PRIMARY KEY,
    link_id BIGINT NOT NULL REFERENCES booking_links (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
    details TEXT NOT NULL DEFAULT '',
    detected_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by BIGINT REFERENCES users (id),
    assignee_id BIGINT REFERENCES users (id),
    resolved_at BIGINT,
    resolved_by TEXT,
    resolution_note TEXT
);
CREATE UNIQUE INDEX mismatches_one_unresolved ON mismatches (link_id, kind) WHERE state <> 'resolved';
CREATE INDEX mismatches_partner_state ON mismatches (partner_id, state);
CREATE INDEX mismatches_state ON mismatches (state, severity, detected_at);

CREATE TABLE operations (
    id INTEGER PRIMARY KEY,
    link_id BIGINT NOT NULL REFERENCES booking_links (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL CHECK (kind IN ('cancel', 'reschedule', 'change_service', 'escalate')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'waiting', 'failed', 'completed', 'abandoned')),
    params TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    current_step BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    started_by BIGINT REFERENCES users (id),
    lease_owner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX operations_link ON operations (link_id, state);
CREATE INDEX operations_runnable ON operations (state, lease_until);

CREATE TABLE operation_steps (
    id INTEGER PRIMARY KEY,
    operation_id BIGINT NOT NULL REFERENCES operations (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
    attempts BIGINT NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    started_at BIGINT,
    finished_at BIGINT,
    UNIQUE (operation_id, position)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    link_id BIGINT REFERENCES booking_links (id),
    operation_id BIGINT REFERENCES operations (id),
    system TEXT NOT NULL CHECK (system IN ('reservio', 'termino')),
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

CREATE TABLE sync_cursors (
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    system TEXT NOT NULL CHECK (system IN ('reservio', 'termino')),
    position TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, system)
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    link_id BIGINT REFERENCES booking_links (id),
    connection_id BIGINT REFERENCES connections (id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'in_progress', 'resolved')),
    reason TEXT NOT NULL,
    proposal TEXT NOT NULL DEFAULT '',
    outcome TEXT,
    opened_by BIGINT REFERENCES users (id),
    opened_at BIGINT NOT NULL,
    assignee_id BIGINT REFERENCES users (id),
    resolved_by BIGINT REFERENCES users (id),
    resolved_at BIGINT
);
CREATE INDEX cases_partner ON cases (partner_id, state);

CREATE TABLE case_notes (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    author_id BIGINT REFERENCES users (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The audit log is append-only and hash-chained. audit_head holds the sequence and the hash of
-- the newest row; updating it inside the writing transaction serialises writers on both databases.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    actor_user_id BIGINT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    partner_id BIGINT,
    before_state TEXT,
    after_state TEXT,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_partner ON audit_log (partner_id, id);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
