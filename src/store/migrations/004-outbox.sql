-- Letters. The transactional outbox: a letter row is written in the same transaction as
-- the user's change and sent after commit; its body is erased once sent (headers and
-- status stay). letter_labels holds the labels a library added from the command line
-- (`letters add-type`), over the label files in templates/labels/.

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
  -- pending: waiting to be sent; sending: handed to the transport, outcome not yet recorded;
  -- sent; failed: refused for good (5xx); suppressed: outside mail.allowed_emails, never stored;
  -- uncertain: found 'sending' after a crash, so it may or may not have gone out;
  -- discarded: an unsent letter given up on purpose (body erased)
  status            TEXT NOT NULL CHECK (status IN ('pending','sending','sent','failed','suppressed','uncertain','discarded')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  -- the server's last answer: the reply to a sent letter, or why it was not sent
  last_reply        TEXT,
  next_attempt_at   TEXT,
  -- who handed it to the transport ('host:pid') and which transport, for crash recovery
  claimed_by        TEXT,
  transport         TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  sent_at           TEXT
) STRICT;
CREATE INDEX outbox_job_status ON outbox (job_id, status);
CREATE INDEX outbox_status ON outbox (status);
-- A job sends one letter to a user; a second one (a bulk applied twice) is refused.
CREATE UNIQUE INDEX outbox_job_user ON outbox (job_id, user_id) WHERE job_id IS NOT NULL AND user_id IS NOT NULL;

CREATE TABLE letter_labels (
  notification_type TEXT NOT NULL,
  language          TEXT NOT NULL,
  subject           TEXT NOT NULL,
  lines             TEXT NOT NULL DEFAULT '[]',
  updated_at        TEXT NOT NULL,
  updated_by        TEXT NOT NULL,
  PRIMARY KEY (notification_type, language)
) STRICT, WITHOUT ROWID;
