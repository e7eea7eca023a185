-- A link's ready list row (0019) written into the row being inserted or updated, instead of by
-- a second UPDATE of the link after the write. In PostgreSQL every UPDATE leaves a new version
-- of the row behind the old one: the AFTER trigger made each new link two versions, and a table
-- twice the size of its links until vacuum, which reclaims the space but does not shrink the
-- table. The row's JSON is now built by one function, `bookbridge_list_row`, from the link's
-- connection and snapshot ids, and the view and the other triggers of 0019 use it too, so its
-- shape is written once. SQLite rewrites a row in place and cannot set a value in a BEFORE
-- trigger, so its 0022 changes nothing.
-- Keep in step with the other database's 0022_list_row_in_place.sql.

CREATE FUNCTION bookbridge_list_row(link_connection BIGINT, link_reservio BIGINT,
                                    link_termino BIGINT) RETURNS TEXT AS $$
BEGIN
    RETURN (
        SELECT json_build_object(
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
               )::text
          FROM (SELECT 1) AS link
          LEFT JOIN external_bookings r ON r.id = link_reservio
          LEFT JOIN external_bookings t ON t.id = link_termino
          LEFT JOIN service_mappings rs ON rs.connection_id = link_connection
               AND rs.reservio_service_id = r.service_id
          LEFT JOIN service_mappings ts ON ts.connection_id = link_connection
               AND ts.termino_offer_id = t.service_id);
END $$ LANGUAGE plpgsql STABLE;

CREATE OR REPLACE VIEW link_list_rows AS
SELECT l.id AS link_id,
       bookbridge_list_row(l.connection_id, l.reservio_booking_id, l.termino_booking_id)
           AS list_row
  FROM booking_links l;

DROP TRIGGER booking_links_insert_list_row ON booking_links;
DROP TRIGGER booking_links_update_list_row ON booking_links;
DROP FUNCTION bookbridge_list_row_of_link();

CREATE FUNCTION bookbridge_list_row_of_new_link() RETURNS trigger AS $$
BEGIN
    NEW.list_row := bookbridge_list_row(
        NEW.connection_id, NEW.reservio_booking_id, NEW.termino_booking_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER booking_links_insert_list_row BEFORE INSERT ON booking_links
    FOR EACH ROW EXECUTE FUNCTION bookbridge_list_row_of_new_link();
CREATE TRIGGER booking_links_update_list_row
    BEFORE UPDATE OF reservio_booking_id, termino_booking_id, connection_id ON booking_links
    FOR EACH ROW WHEN (OLD.reservio_booking_id IS DISTINCT FROM NEW.reservio_booking_id
                       OR OLD.termino_booking_id IS DISTINCT FROM NEW.termino_booking_id
                       OR OLD.connection_id IS DISTINCT FROM NEW.connection_id)
    EXECUTE FUNCTION bookbridge_list_row_of_new_link();

-- A snapshot's or a mapping's change still writes the links it shows in (a version each: the
-- value lives on the link), now through the same function.
CREATE OR REPLACE FUNCTION bookbridge_list_rows_of_snapshot() RETURNS trigger AS $$
BEGIN
    UPDATE booking_links
       SET list_row = bookbridge_list_row(connection_id, reservio_booking_id, termino_booking_id)
     WHERE reservio_booking_id = NEW.id;
    UPDATE booking_links
       SET list_row = bookbridge_list_row(connection_id, reservio_booking_id, termino_booking_id)
     WHERE termino_booking_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION bookbridge_refresh_list_rows_of_service(BIGINT, TEXT, TEXT)
RETURNS void AS $$
    UPDATE booking_links
       SET list_row = bookbridge_list_row(connection_id, reservio_booking_id, termino_booking_id)
     WHERE connection_id = $1
       AND (reservio_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = $1 AND b.system = 'reservio' AND b.service_id = $2)
         OR termino_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = $1 AND b.system = 'termino' AND b.service_id = $3));
$$ LANGUAGE sql;
