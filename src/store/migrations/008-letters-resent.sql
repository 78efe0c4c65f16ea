-- resent: how many times a letter whose delivery was uncertain (the server had it and never
-- answered, or its sender died while it had it) was put back to be sent again with the same
-- Message-ID. `job resume` and `mail retry` do that once on their own for a letter without a
-- password, so a receiver gets it at most twice; after that only `mail retry --uncertain` does.

ALTER TABLE outbox ADD COLUMN resent INTEGER NOT NULL DEFAULT 0;
