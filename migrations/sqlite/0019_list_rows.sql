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
       json_object(
           'r', json_object(
               'id', r.id, 'start_at', r.start_at, 'end_at', r.end_at,
               'service_id', r.service_id, 'service_name', rs.reservio_service_name,
               'customer_name', r.customer_name, 'customer_email', r.customer_email,
               'customer_phone', r.customer_phone, 'status', r.status,
               'vanished_at', r.vanished_at),
           't', json_object(
               'id', t.id, 'start_at', t.start_at, 'end_at', t.end_at,
               'service_id', t.service_id, 'service_name', ts.termino_offer_name,
               'mapped_service', ts.reservio_service_id,
               'customer_name', t.customer_name, 'customer_email', t.customer_email,
               'customer_phone', t.customer_phone, 'status', t.status,
               'vanished_at', t.vanished_at)
       ) AS list_row
  FROM booking_links l
  LEFT JOIN external_bookings r ON r.id = l.reservio_booking_id
  LEFT JOIN external_bookings t ON t.id = l.termino_booking_id
  LEFT JOIN service_mappings rs ON rs.connection_id = l.connection_id
       AND rs.reservio_service_id = r.service_id
  LEFT JOIN service_mappings ts ON ts.connection_id = l.connection_id
       AND ts.termino_offer_id = t.service_id;

UPDATE booking_links SET list_row =
    (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id);

CREATE TRIGGER booking_links_insert_list_row AFTER INSERT ON booking_links
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = NEW.id) WHERE id = NEW.id;
END;

CREATE TRIGGER booking_links_update_list_row
AFTER UPDATE OF reservio_booking_id, termino_booking_id, connection_id ON booking_links
WHEN OLD.reservio_booking_id IS NOT NEW.reservio_booking_id
  OR OLD.termino_booking_id IS NOT NEW.termino_booking_id
  OR OLD.connection_id IS NOT NEW.connection_id
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = NEW.id) WHERE id = NEW.id;
END;

-- One statement per side, so each is a look-up in its own index.
CREATE TRIGGER external_bookings_list_rows
AFTER UPDATE OF start_at, end_at, service_id, customer_name, customer_email, customer_phone,
    status, vanished_at ON external_bookings
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE reservio_booking_id = NEW.id;
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE termino_booking_id = NEW.id;
END;

-- A mapping names one Reservio service and one Termino offer of its connection: the links
-- whose snapshots have either are the ones whose rows change.
CREATE TRIGGER service_mappings_insert_list_rows AFTER INSERT ON service_mappings
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE connection_id = NEW.connection_id
       AND (reservio_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = NEW.connection_id AND b.system = 'reservio'
                  AND b.service_id = NEW.reservio_service_id)
         OR termino_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = NEW.connection_id AND b.system = 'termino'
                  AND b.service_id = NEW.termino_offer_id));
END;

CREATE TRIGGER service_mappings_delete_list_rows AFTER DELETE ON service_mappings
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE connection_id = OLD.connection_id
       AND (reservio_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = OLD.connection_id AND b.system = 'reservio'
                  AND b.service_id = OLD.reservio_service_id)
         OR termino_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id = OLD.connection_id AND b.system = 'termino'
                  AND b.service_id = OLD.termino_offer_id));
END;

CREATE TRIGGER service_mappings_update_list_rows AFTER UPDATE ON service_mappings
BEGIN
    UPDATE booking_links SET list_row =
        (SELECT v.list_row FROM link_list_rows v WHERE v.link_id = booking_links.id)
     WHERE connection_id IN (OLD.connection_id, NEW.connection_id)
       AND (reservio_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id IN (OLD.connection_id, NEW.connection_id)
                  AND b.system = 'reservio'
                  AND b.service_id IN (OLD.reservio_service_id, NEW.reservio_service_id))
         OR termino_booking_id IN (SELECT b.id FROM external_bookings b
                WHERE b.connection_id IN (OLD.connection_id, NEW.connection_id)
                  AND b.system = 'termino'
                  AND b.service_id IN (OLD.termino_offer_id, NEW.termino_offer_id)));
END;
