-- One word for the guided procedures: their tables, and the columns that point at them, are named
-- after the procedure (they were `operations`, `operation_steps` and `operation_id`). Audit
-- rows keep the words they were written with (action `operation.started`, entity `operation`):
-- an audit row is never rewritten. Keep in step with migrations/postgres/0016_procedure_names.sql
-- (identical).
ALTER TABLE operations RENAME TO procedures;
ALTER TABLE operation_steps RENAME TO procedure_steps;
ALTER TABLE procedure_steps RENAME COLUMN operation_id TO procedure_id;
ALTER TABLE outbox RENAME COLUMN operation_id TO procedure_id;
ALTER TABLE email_outbox RENAME COLUMN operation_id TO procedure_id;

-- The indexes take the new name too (SQLite cannot rename an index: it is made again).
DROP INDEX operations_link;
DROP INDEX operations_runnable;
DROP INDEX operations_one_active;
DROP INDEX operations_due;
CREATE INDEX procedures_link ON procedures (link_id, state);
CREATE INDEX procedures_runnable ON procedures (state, lease_until);
-- One procedure at a time per booking: a stopped (failed) one must be retried or abandoned first.
CREATE UNIQUE INDEX procedures_one_active ON procedures (link_id)
    WHERE state IN ('pending', 'running', 'waiting', 'failed');
CREATE INDEX procedures_due ON procedures (state, next_run_at);
