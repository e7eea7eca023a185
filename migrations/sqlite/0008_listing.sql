-- When a listing lies (issue 18). Keep in step with migrations/postgres/0008_listing.sql
-- (identical but for the identity column).

-- A connection-level alarm: more of a connection's bookings vanished from one listing than can
-- be real deletions. While it is open the sync holds the vanish marking; it is resolved when the
-- listing looks whole again, or after a person confirmed that the bookings are really gone.
CREATE TABLE connection_alarms (
    id INTEGER PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    system TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'confirmed', 'resolved')),
    -- Bookings the listing no longer shows, of how many we knew in its window.
    missing BIGINT NOT NULL,
    known BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    confirmed_by BIGINT REFERENCES users (id),
    confirmed_at BIGINT,
    resolved_at BIGINT,
    resolution TEXT
);
CREATE UNIQUE INDEX connection_alarms_one_active ON connection_alarms (connection_id, system, kind)
    WHERE state <> 'resolved';
CREATE INDEX connection_alarms_partner ON connection_alarms (partner_id, state);

-- Each connection's listing health per system: bookings the last poll could not read, and why.
-- Logged once when the cause changes, shown on the sync-health line; `unreadable` 0 and an
-- empty cause once every booking is read again (rows are kept, like everything the sync saw).
CREATE TABLE listing_health (
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    system TEXT NOT NULL,
    cause TEXT NOT NULL,
    unreadable BIGINT NOT NULL,
    since BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, system)
);
