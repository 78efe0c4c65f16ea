-- Jobs and their audit trail. A job freezes its members when it starts (job_members, in
-- processing order); jobs.processed is the checkpoint: members below it are done, and a
-- bulk's changes, audit rows, issues, letters and the checkpoint commit together, so a
-- resumed job never applies a bulk twice nor queues a letter twice.

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL,
  name             TEXT,
  set_id           TEXT,
  set_name         TEXT,
  params           TEXT NOT NULL,
  operator         TEXT NOT NULL,
  reason           TEXT,
  -- Pending, Running, or a final status from Alma's list
  status           TEXT NOT NULL,
  -- Pending, Initialization, Processing, Finalization: where the job is, or where it stopped
  stage            TEXT NOT NULL,
  total            INTEGER NOT NULL DEFAULT 0,
  processed        INTEGER NOT NULL DEFAULT 0,
  -- {"counters": {...named counts}, "actions": [...per action]}
  counters         TEXT NOT NULL DEFAULT '{}',
  submitted_at     TEXT NOT NULL,
  started_at       TEXT,
  ended_at         TEXT,
  pid              INTEGER,
  host             TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  undo_of          TEXT REFERENCES jobs(id),
  -- why a job Failed (never holds a password)
  error            TEXT
) STRICT;
CREATE INDEX jobs_set_status ON jobs (set_id, status);
CREATE INDEX jobs_status ON jobs (status);
CREATE INDEX jobs_undo_of ON jobs (undo_of);

CREATE TABLE job_members (
  job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  primary_id TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) STRICT, WITHOUT ROWID;

-- Per-user outcomes other than a plain change: errors and warnings.
CREATE TABLE job_issues (
  job_id     TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  primary_id TEXT NOT NULL,
  severity   TEXT NOT NULL CHECK (severity IN ('error','warning')),
  code       TEXT NOT NULL,
  message    TEXT NOT NULL
) STRICT;
CREATE INDEX job_issues_job ON job_issues (job_id, seq);

-- One row per changed user per job: what each field or list element was before and after,
-- as a JSON array of {field, key?, before, after}. A password reset is recorded as such,
-- never with the password or its hash.
CREATE TABLE audit (
  id         INTEGER PRIMARY KEY,
  job_id     TEXT REFERENCES jobs(id),
  seq        INTEGER,
  user_id    INTEGER NOT NULL,
  primary_id TEXT NOT NULL,
  operator   TEXT NOT NULL,
  reason     TEXT,
  at         TEXT NOT NULL,
  changes    TEXT NOT NULL
) STRICT;
CREATE INDEX audit_user ON audit (user_id, id);
CREATE INDEX audit_job ON audit (job_id, seq);
