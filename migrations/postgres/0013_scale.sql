-- The engine at a channel's size: each connection's next sync kept in the database (claimed by
-- any instance), links reconciled only when something about them changed or a time-based check
-- falls due, snapshots waiting for the link step found through an index, and one request budget
-- for Reservio shared by every instance.
-- Keep in step with the other database's 0013_scale.sql (identical but for the triggers'
-- syntax at the end).

-- When the connection is next polled; a notification sets `sync_wanted_at` and counts itself in
-- `sync_requests`, so a sync that was under way when it arrived does not swallow it.
ALTER TABLE connections ADD COLUMN next_sync_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN sync_wanted_at BIGINT;
ALTER TABLE connections ADD COLUMN sync_requests BIGINT NOT NULL DEFAULT 0;
-- The last time a pull found a change: quiet connections are polled less often.
ALTER TABLE connections ADD COLUMN last_change_at BIGINT;
-- The oldest change read but not yet carried over (sync lag), cleared when a sync settles.
ALTER TABLE connections ADD COLUMN pending_change_since BIGINT;
CREATE INDEX connections_next_sync ON connections (next_sync_at);

-- When reconcile must look at the link again: 0 as soon as one of its snapshots changes, else
-- the next time-based check (missing side, unanswered, the one-hour promise); NULL for never.
ALTER TABLE booking_links ADD COLUMN next_check_at BIGINT DEFAULT 0;
CREATE INDEX booking_links_next_check ON booking_links (connection_id, next_check_at);
CREATE INDEX booking_links_reservio_any ON booking_links (reservio_booking_id);
CREATE INDEX booking_links_termino_any ON booking_links (termino_booking_id);

-- 1 from a snapshot's first sight until the link step has placed it.
ALTER TABLE external_bookings ADD COLUMN awaiting_link BIGINT NOT NULL DEFAULT 0;
UPDATE external_bookings SET awaiting_link = 1
 WHERE NOT EXISTS (SELECT 1 FROM booking_links l WHERE l.reservio_booking_id = external_bookings.id)
   AND NOT EXISTS (SELECT 1 FROM booking_links l WHERE l.termino_booking_id = external_bookings.id);
CREATE INDEX external_bookings_awaiting_link ON external_bookings (connection_id, awaiting_link);

-- Requests to an external system per second for the whole deployment: one row per system and
-- second, and until when the system asked us to wait (429 with Retry-After).
CREATE TABLE request_budget (
    system TEXT NOT NULL,
    second BIGINT NOT NULL,
    used BIGINT NOT NULL,
    PRIMARY KEY (system, second)
);
CREATE TABLE request_pause (
    system TEXT PRIMARY KEY,
    until_at BIGINT NOT NULL
);

-- The slow full reconcile of every link (the safety net): when it is next due, and how many
-- links it found needing a change that the incremental reconcile had not seen (0 when healthy).
ALTER TABLE connections ADD COLUMN full_check_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN full_check_found BIGINT NOT NULL DEFAULT 0;

-- Whatever a link's reconcile reads besides its own row marks it for the next reconcile, in the
-- transaction that writes it, whoever writes it: its snapshots, its mismatches, procedures,
-- pushes, Partner Care cases and accepted differences, and its connection's service mappings.
CREATE FUNCTION bookbridge_mark_link() RETURNS trigger AS $$
BEGIN
    IF NEW.link_id IS NOT NULL THEN
        UPDATE booking_links SET next_check_at = 0 WHERE id = NEW.link_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION bookbridge_mark_link_of_snapshot() RETURNS trigger AS $$
BEGIN
    UPDATE booking_links SET next_check_at = 0 WHERE reservio_booking_id = NEW.id;
    UPDATE booking_links SET next_check_at = 0 WHERE termino_booking_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION bookbridge_mark_links_of_connection() RETURNS trigger AS $$
BEGIN
    UPDATE booking_links SET next_check_at = 0 WHERE connection_id = NEW.connection_id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER mismatches_marks_link AFTER INSERT OR UPDATE ON mismatches
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER operations_marks_link AFTER INSERT OR UPDATE ON operations
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER outbox_marks_link AFTER INSERT OR UPDATE ON outbox
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER cases_marks_link AFTER INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER accepted_differences_marks_link AFTER INSERT OR UPDATE ON accepted_differences
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER external_bookings_marks_link AFTER UPDATE OF start_at, end_at, service_id, customer_name, customer_email, customer_phone, status, self_rescheduled, vanished_at, content_hash ON external_bookings
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link_of_snapshot();
CREATE TRIGGER service_mappings_marks_links AFTER INSERT OR UPDATE ON service_mappings
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_links_of_connection();
