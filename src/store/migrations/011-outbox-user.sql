-- A user's letters, found by user: deleting or purging a user discards its letters not sent
-- yet, and a purge of many users must not scan the outbox for each. A move never changes
-- user_id, so sending does not touch this index.

CREATE INDEX outbox_user ON outbox (user_id);
