-- Differences Partner Care accepted on purpose, each with its reason. A row silences exactly
-- one kind of mismatch on one link while both sides are as they were when it was accepted
-- (`fingerprint`: both snapshots' content hashes); once either side changes it matches no
-- more, and the row stays as the record of the decision. Keep in step with
-- migrations/postgres/0011_daily.sql (identical).
CREATE TABLE accepted_differences (
    link_id BIGINT NOT NULL REFERENCES booking_links (id),
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL,
    mismatch_id BIGINT REFERENCES mismatches (id),
    accepted_by BIGINT REFERENCES users (id),
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (link_id, kind, fingerprint)
);

-- A partner's language: its users read the pages in it unless they chose their own.
ALTER TABLE partners ADD COLUMN locale TEXT;
