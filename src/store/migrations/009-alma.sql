-- `alma`: the connection to a real Alma, and what a pull and a push leave behind.
-- - alma_settings: one row, the base URL (region), the rate, the quota floor and the
--   Update/Notify Users job's id. Never the API key: it comes from the environment only.
-- - alma_baselines: each pulled user's record as Alma had it (JSON); a push by PUT compares
--   Alma's record now with it, and a field changed in Alma since is a conflict.
-- - alma_pushes: one row per local job pushed: how, how far (the Alma set, its members
--   added, the instance of Alma's job), and what Alma said.
-- - alma_push_users: each user's state in that push. A user is marked pushed in the same
--   moment its PUT's answer is read, so a rerun after kill -9 never PUTs it again.

CREATE TABLE alma_settings (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  region            TEXT,
  url               TEXT NOT NULL,
  rate              INTEGER NOT NULL,
  quota_floor       INTEGER NOT NULL,
  update_notify_job TEXT NOT NULL
) STRICT;

CREATE TABLE alma_baselines (
  primary_id TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  record     TEXT NOT NULL,
  pulled_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE alma_pushes (
  job_id          TEXT PRIMARY KEY REFERENCES jobs(id),
  method          TEXT NOT NULL CHECK (method IN ('job', 'put')),
  -- running, stopped (quota, an error: run the same push again), done
  state           TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  ended_at        TEXT,
  calls           INTEGER NOT NULL DEFAULT 0,
  note            TEXT,
  -- the job path: Alma's set, how many members it has, the job run and its instance
  alma_set_id     TEXT,
  members_added   INTEGER NOT NULL DEFAULT 0,
  alma_job        TEXT,
  alma_instance   TEXT,
  alma_status     TEXT,
  -- JSON: {counters: [...], alerts: [...]} as Alma reported the instance
  alma_report     TEXT
) STRICT;

CREATE TABLE alma_push_users (
  job_id     TEXT NOT NULL REFERENCES jobs(id),
  primary_id TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('pending', 'pushed', 'conflict', 'failed')),
  -- conflict: JSON [{field, baseline, alma, job}]; failed: the reason
  detail     TEXT,
  at         TEXT,
  PRIMARY KEY (job_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX alma_push_users_state ON alma_push_users (job_id, state, seq);
