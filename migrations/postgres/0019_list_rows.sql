-- The bookings list's row of each link, ready (issue 6): both snapshots' shown values and the
-- names their connection's mappings give their services, as one JSON value on the link, so a
-- page of the list reads one column per link instead of joining four tables and decoding 22
-- values. Only data is stored (statuses as stored, names, instants), never translated text.
-- Triggers keep it in the transaction of whatever write changes what it holds, whoever writes:
-- a new link, a side attached or moved, a snapshot's shown values, a mapping of its service.
-- `link_list_rows` computes the value; the list falls back to it for a NULL one.
-- Keep in step with the other database's 0019_list_rows.sql (identical but for the JSON
-- function and the triggers' syntax).

ALTER TABLE booking_links ADD COLUMN list_row TEXT;

CREATE VIEW link_list_rows AS
SELECT l.id AS link_id,
       json_build_object(
           'r', json_build_object(
               'id', r.id, 'start_at', r.start_at, 'end_at', r.end_at,
               'service_id', r.service_id, 'service_name', rs.reservio_service_name,
               'customer_name', r.customer_name, 'customer_email', r.customer_email,
               'customer_phone', r.customer_phone, 'status', r.status,
               'vanished_at', r.vanished_at),
           't', json_build_object(
               'id', t.id, 'start_at', t.start_at, 'end_at', t.end_at,
               'service_id', t.service_id, 'service_name', ts.termino_offer_name,
               'mapped_service', ts.reservio_service_id,
               'customer_name', t.customer_name, 'customer_email', t.customer_email,
               'customer_phone', t.customer_phone, 'status', t.status,
               'vanished_at', t.vanished_at)
       )::text AS list_row
  FROM booking_links l
  LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id
  LEFT JOIN external_bookings t ON t.id = l.termino_booking_id
  LEFT JOIN service_mappings rs ON rs.connection_id = l.connection_id
       AND rs.reservio_service_id = r.service_id
  LEFT JOIN service_mappings ts ON ts.connection_id = l.connection_id
       AND ts.termino_offer_id = t.service_id;

UPDATE booking_links SET list_row =
    (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id);

CREATE FUNCTION bookbridge_list_row_of_link() RETURNS trigger AS $$
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = NEW.id) WHERE id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- One statement per side, so each is a look-up in its own index.
CREATE FUNCTION bookbridge_list_rows_of_snapshot() RETURNS trigger AS $$
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE reservio_booking_id = NEW.id;
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE termino_booking_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A mapping names one Reservio service and one Termino offer of its connection: the links
-- whose snapshots have either are the ones whose rows change (before and after the write).
CREATE FUNCTION bookbridge_refresh_list_rows_of_service(BIGINT, TEXT, TEXT) RETURNS void AS $$
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE connection_id = $1
       AND (reservio_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = $1 AND b.system = 'reservio' AND b.service_id = $2)
         OR termino_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = $1 AND b.system = 'termino' AND b.service_id = $3));
$$ LANGUAGE sql;
CREATE FUNCTION bookbridge_list_rows_of_mapping() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM bookbridge_refresh_list_rows_of_service(
            OLD.connection_id, OLD.reservio_service_id, OLD.termino_offer_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM bookbridge_refresh_list_rows_of_service(
            NEW.connection_id, NEW.reservio_service_id, NEW.termino_offer_id);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER booking_links_insert_list_row AFTER INSERT ON booking_links
    FOR EACH ROW EXECUTE FUNCTION bookbridge_list_row_of_link();
CREATE TRIGGER booking_links_update_list_row
    AFTER UPDATE OF reservio_booking_id, termino_booking_id, connection_id ON booking_links
    FOR EACH ROW WHEN (OLD.reservio_booking_id IS DISTINCT FROM NEW.reservio_booking_id
                       OR OLD.termino_booking_id IS DISTINCT FROM NEW.termino_booking_id
                       OR OLD.connection_id IS DISTINCT FROM NEW.connection_id)
    EXECUTE FUNCTION bookbridge_list_row_of_link();
CREATE TRIGGER external_bookings_list_rows
    AFTER UPDATE OF start_at, end_at, service_id, customer_name, customer_email, customer_phone,
        status, vanished_at ON external_bookings
    FOR EACH ROW EXECUTE FUNCTION bookbridge_list_rows_of_snapshot();
CREATE TRIGGER service_mappings_list_rows AFTER INSERT OR UPDATE OR DELETE ON service_mappings
    FOR EACH ROW EXECUTE FUNCTION bookbridge_list_rows_of_mapping();
