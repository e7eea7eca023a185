-- How many times a link has been marked for reconcile: every statement that sets
-- `next_check_at = 0` counts, even on a link already marked. Reconcile reads a page of links,
-- then writes what it decided; a mark in between (a procedure's step, a push's answer, Partner
-- Care's action) must survive that write, and a mark on a link already at 0 changes nothing
-- else that could show it. Reconcile writes a link only while its count is the one it read.
-- Keep in step with the other database's 0021_link_marks.sql.

ALTER TABLE booking_links ADD COLUMN marks BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER booking_links_count_marks AFTER UPDATE OF next_check_at ON booking_links
WHEN NEW.next_check_at = 0
BEGIN
    UPDATE booking_links SET marks = marks + 1 WHERE id = NEW.id;
END;
