-- `users sync`: the values of the protected fields (user group, campus, preferred names...)
-- as the SIS last sent them, per user and sync job. A protected field whose value in the
-- store is no longer the SIS's was changed here, and the next sync keeps it. A row is
-- written only when the SIS's values change, and kept per job so that a sync undone with
-- `job undo` no longer counts as the last one.

CREATE TABLE sync_values (
  id         INTEGER PRIMARY KEY,
  user_id    INTEGER NOT NULL,
  job_id     TEXT NOT NULL REFERENCES jobs(id),
  -- JSON object: protected field -> the SIS's value (null when the SIS sent it empty)
  sis_values TEXT NOT NULL
) STRICT;
CREATE INDEX sync_values_user ON sync_values (user_id, id);
