-- What the read-only probe found a connection's Reservio account to do where Reservio's public
-- evidence is silent (the date filter and `include` on bookings, the token, the time zone and
-- resources), as JSON, and when it was probed. The client lists bookings the way it says.
-- Keep in step with the other database's 0012_reservio_profile.sql (identical).
ALTER TABLE connections ADD COLUMN reservio_profile TEXT;
ALTER TABLE connections ADD COLUMN reservio_profile_at BIGINT;
