-- A link is marked for reconcile (`next_check_at = 0`) only by writes that can change what its
-- reconcile decides. A push's lease and its attempt bookkeeping (taken, tried again later) and
-- a mismatch's or procedure's refresh leave everything reconcile reads as it was (a pending
-- push, the open mismatches' kinds, the active procedure's kind), yet every retry of a push
-- marked its link again, so a channel with pushes being retried was never quiet. Now the
-- updates mark only when the state (or kind, or link) changes; an insert still always marks.
-- Keep in step with the other database's 0018_quiet_marks.sql.

DROP TRIGGER outbox_update_marks_link;
CREATE TRIGGER outbox_update_marks_link AFTER UPDATE OF state, link_id ON outbox
WHEN OLD.state IS NOT NEW.state OR OLD.link_id IS NOT NEW.link_id
BEGIN
    UPDATE booking_links SET next_check_at = 0 WHERE id = NEW.link_id;
    UPDATE booking_links SET next_check_at = 0 WHERE id = OLD.link_id;
END;

DROP TRIGGER mismatches_update_marks_link;
CREATE TRIGGER mismatches_update_marks_link AFTER UPDATE OF state, kind, link_id ON mismatches
WHEN OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind OR OLD.link_id IS NOT NEW.link_id
BEGIN
    UPDATE booking_links SET next_check_at = 0 WHERE id = NEW.link_id;
    UPDATE booking_links SET next_check_at = 0 WHERE id = OLD.link_id;
END;

-- The procedures table was `operations` when its trigger was made (0016 renamed it).
DROP TRIGGER operations_update_marks_link;
CREATE TRIGGER procedures_update_marks_link AFTER UPDATE OF state, kind, link_id ON procedures
WHEN OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind OR OLD.link_id IS NOT NEW.link_id
BEGIN
    UPDATE booking_links SET next_check_at = 0 WHERE id = NEW.link_id;
    UPDATE booking_links SET next_check_at = 0 WHERE id = OLD.link_id;
END;

-- Never written or read: the sync lag per connection is computed from what is still on its
-- way (a notified change not read yet, the oldest pending push) when the metrics are read.
ALTER TABLE connections DROP COLUMN pending_change_since;
