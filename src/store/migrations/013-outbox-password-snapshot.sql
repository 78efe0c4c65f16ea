-- A password letter carries the password its user had when it was queued (or reissued);
-- password_hash is that password's hash, so a sending run can tell a letter whose password
-- is no longer the user's (reset again since, by a job, users reset-password or an import;
-- the account made external) and discard it instead of sending a dead password. Erased with
-- the body; NULL for other letters and for those queued before this migration (sent as before).
ALTER TABLE outbox ADD COLUMN password_hash TEXT;
