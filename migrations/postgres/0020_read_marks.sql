-- When the read that brought a snapshot began, in microseconds (`clock::ReadMark`): Reservio
-- does not version its bookings, so of two reads of one booking that cross (a poll's listing
-- asked for before a procedure cancelled the booking, stored after the procedure stored its
-- read-back) the one that began later is kept. NULL for snapshots stored before this column.
-- Keep in step with the other database's 0020_read_marks.sql.

ALTER TABLE external_bookings ADD COLUMN read_began_us BIGINT;
