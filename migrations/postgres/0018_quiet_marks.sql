-- A link is marked for reconcile (`next_check_at = 0`) only by writes that can change what its
-- reconcile decides. A push's lease and its attempt bookkeeping (taken, tried again later) and
-- a mismatch's or procedure's refresh leave everything reconcile reads as it was (a pending
-- push, the open mismatches' kinds, the active procedure's kind), yet every retry of a push
-- marked its link again, so a channel with pushes being retried was never quiet. Now the
-- updates mark only when the state (or kind, or link) changes; an insert still always marks.
-- Keep in step with the other database's 0018_quiet_marks.sql.

CREATE FUNCTION bookbridge_mark_old_and_new_link() RETURNS trigger AS $$
BEGIN
    IF NEW.link_id IS NOT NULL THEN
        UPDATE booking_links SET next_check_at = 0 WHERE id = NEW.link_id;
    END IF;
    IF OLD.link_id IS NOT NULL AND OLD.link_id IS DISTINCT FROM NEW.link_id THEN
        UPDATE booking_links SET next_check_at = 0 WHERE id = OLD.link_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER outbox_marks_link ON outbox;
CREATE TRIGGER outbox_insert_marks_link AFTER INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER outbox_update_marks_link AFTER UPDATE ON outbox
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.link_id IS DISTINCT FROM NEW.link_id)
    EXECUTE FUNCTION bookbridge_mark_old_and_new_link();

DROP TRIGGER mismatches_marks_link ON mismatches;
CREATE TRIGGER mismatches_insert_marks_link AFTER INSERT ON mismatches
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER mismatches_update_marks_link AFTER UPDATE ON mismatches
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.kind IS DISTINCT FROM NEW.kind
                       OR OLD.link_id IS DISTINCT FROM NEW.link_id)
    EXECUTE FUNCTION bookbridge_mark_old_and_new_link();

-- The procedures table was `operations` when its trigger was made (0016 renamed it).
DROP TRIGGER operations_marks_link ON procedures;
CREATE TRIGGER procedures_insert_marks_link AFTER INSERT ON procedures
    FOR EACH ROW EXECUTE FUNCTION bookbridge_mark_link();
CREATE TRIGGER procedures_update_marks_link AFTER UPDATE ON procedures
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.kind IS DISTINCT FROM NEW.kind
                       OR OLD.link_id IS DISTINCT FROM NEW.link_id)
    EXECUTE FUNCTION bookbridge_mark_old_and_new_link();

-- Never written or read: the sync lag per connection is computed from what is still on its
-- way (a notified change not read yet, the oldest pending push) when the metrics are read.
ALTER TABLE connections DROP COLUMN pending_change_since;
