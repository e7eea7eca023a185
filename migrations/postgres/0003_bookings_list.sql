-- The partner's bookings list. Keep in step with migrations/sqlite/0003_bookings_list.sql (identical).

-- When a link's appointment is, for lists to sort and filter by without joining both snapshots
-- of every link: the agreed start (the base) once there is one, else the start of the side we
-- have. db::links and db::bookings keep it current whenever a link or a snapshot changes.
ALTER TABLE booking_links ADD COLUMN appointment_at BIGINT NOT NULL DEFAULT 0;
UPDATE booking_links SET appointment_at = COALESCE(
    base_start_at,
    (SELECT b.start_at FROM external_bookings b WHERE b.id = booking_links.reservio_booking_id),
    (SELECT b.start_at FROM external_bookings b WHERE b.id = booking_links.termino_booking_id),
    0);

-- The list's default order (by appointment) and "recently changed", a page at a time.
CREATE INDEX booking_links_partner_appointment ON booking_links (partner_id, appointment_at, id)
    WHERE superseded_by IS NULL;
CREATE INDEX booking_links_partner_changed ON booking_links (partner_id, updated_at, id)
    WHERE superseded_by IS NULL;
-- The home page's chart: mismatches opened and resolved per day.
CREATE INDEX mismatches_partner_detected ON mismatches (partner_id, detected_at);
CREATE INDEX mismatches_partner_resolved ON mismatches (partner_id, resolved_at);
