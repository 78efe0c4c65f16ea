-- Whole users deleted by a job (`users delete`, `job run purge`): each record is kept, its
-- password hash included (never a password), so that `job undo` can create it again under
-- its old row id; a purge removes the records older than purge.keep_days. job_letters
-- says which "job completed" letter went to the operator at which end of a job, so a job
-- sends it once per end.

CREATE TABLE user_archive (
  job_id     TEXT NOT NULL REFERENCES jobs(id),
  user_id    INTEGER NOT NULL,
  primary_id TEXT NOT NULL,
  -- JSON of the whole user as it was deleted
  record     TEXT NOT NULL,
  deleted_at TEXT NOT NULL,
  PRIMARY KEY (job_id, user_id)
) STRICT;
CREATE INDEX user_archive_deleted ON user_archive (deleted_at);
CREATE INDEX user_archive_user ON user_archive (user_id);

CREATE TABLE job_letters (
  job_id    TEXT NOT NULL,
  -- the job's end (jobs.ended_at); a set load's own time
  ended_at  TEXT NOT NULL,
  letter_id TEXT NOT NULL REFERENCES outbox(id),
  PRIMARY KEY (job_id, ended_at)
) STRICT, WITHOUT ROWID;
