/**
 * The transactional outbox: a letter row is written in the same transaction as the user's
 * change and sent after commit. The body is erased once sent; headers and status stay.
 */
export const sql = `
CREATE TABLE outbox (
  id                TEXT PRIMARY KEY,
  message_id        TEXT NOT NULL UNIQUE,
  job_id            TEXT REFERENCES jobs(id),
  user_id           INTEGER,
  primary_id        TEXT NOT NULL,
  notification_type TEXT NOT NULL,
  recipient         TEXT NOT NULL,
  subject           TEXT NOT NULL,
  body_text         TEXT,
  body_html         TEXT,
  -- pending, sending (handed to the transport, outcome not yet recorded), sent, failed, suppressed
  status            TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT,
  next_attempt_at   TEXT,
  created_at        TEXT NOT NULL,
  sent_at           TEXT
) STRICT;
CREATE INDEX outbox_job_status ON outbox (job_id, status);
CREATE INDEX outbox_status ON outbox (status);
`;
