-- The web edge: throttled logins audited once per window, and Termino notifications that
-- cannot be replayed. Keep in step with migrations/sqlite/0007_edge.sql (identical).

-- Login throttling counts failures per (account, address) and per address.
CREATE INDEX login_attempts_email_ip ON login_attempts (email, ip, at);

-- Refused (throttled) login attempts, counted per limit, account, address and window: only
-- the first refusal of a window writes an audit row, so anonymous requests cannot fill the
-- audit log. `email` is '' for the per-address limit. Windows older than a day are deleted.
CREATE TABLE login_throttle_windows (
    limit_kind TEXT NOT NULL,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    PRIMARY KEY (limit_kind, email, ip, window_start)
);

-- The nonces of the Termino notifications already accepted, per connection, until their
-- timestamp is too old to be accepted anyway; every instance sees the same set.
CREATE TABLE webhook_nonces (
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (connection_id, nonce)
);
CREATE INDEX webhook_nonces_expiry ON webhook_nonces (expires_at);
