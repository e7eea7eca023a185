-- PostgreSQL's 0022 writes a link's ready list row (0019) into the row being inserted or
-- updated, so that a new link is not two versions of its row. SQLite rewrites a row in place
-- and cannot set a value in a BEFORE trigger: its AFTER triggers of 0019 stay as they are.
-- Keep in step with the other database's 0022_list_row_in_place.sql.

SELECT 1;
