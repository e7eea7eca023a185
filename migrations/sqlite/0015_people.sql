-- Partner users inviting colleagues, and account e-mails without a link. Keep in step with
-- the other backend's 0015_people.sql (identical).

-- Whether the partner's own users may invite colleagues to it (the admin's setting; off
-- until the admin turns it on).
ALTER TABLE partners ADD COLUMN users_may_invite SMALLINT NOT NULL DEFAULT 0;

-- A message about someone's account (an invitation, a reset link, "your password was
-- changed"): kept off the partners' Outbox page, which lists booking confirmations. Those
-- carrying a link are also tied to their token (account_token_id).
ALTER TABLE email_outbox ADD COLUMN account_email SMALLINT NOT NULL DEFAULT 0;
UPDATE email_outbox SET account_email = 1 WHERE account_token_id IS NOT NULL;
