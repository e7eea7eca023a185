-- Termino's changes for the whole channel through one feed (issue 15): one cursor for every
-- connection, read by one instance at a time under a lease. Keep in step with the other
-- database's 0017_channel_feed.sql (identical).
CREATE TABLE channel_feeds (
    system TEXT PRIMARY KEY,
    -- The feed's cursor; NULL before the first read.
    position TEXT,
    lease_owner TEXT,
    lease_until BIGINT,
    -- A notification asked for a read (cleared by a read that reached the end after it).
    wanted_at BIGINT,
    -- When the feed last answered a read, and when a read last reached its end.
    answered_at BIGINT,
    caught_up_at BIGINT,
    last_error TEXT,
    -- Changes of accounts no syncable connection has (skipped), and resyncs, in all.
    unknown_changes BIGINT NOT NULL DEFAULT 0,
    resyncs BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
INSERT INTO channel_feeds (system, updated_at) VALUES ('termino', 0);

-- When a connection's own read of its Termino account last reached the end: from then on the
-- channel feed brings its changes. NULL: it is read in full first (new, or after a resync).
ALTER TABLE sync_cursors ADD COLUMN caught_up_at BIGINT;

-- The feed names each change's account: its connections are found by it.
CREATE INDEX connections_termino_account ON connections (termino_partner_id);

-- What the channel feed brought for a connection, until the connection's own sync stores it
-- under its lease (as its own read did): one row per reservation, its latest version kept.
CREATE TABLE termino_inbox (
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    external_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    payload TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, external_id)
);
