-- Who runs an `alma push` (pid, host, boot), while one does: a second push of the same job
-- is refused instead of sending the same changes to Alma again (by put: every user PUT twice;
-- by Alma's job: its letters sent twice). A runner that died (kill -9, a power cut) is
-- taken over by the next push, as a job's is.

ALTER TABLE alma_pushes ADD COLUMN runner_pid INTEGER;
ALTER TABLE alma_pushes ADD COLUMN runner_host TEXT;
ALTER TABLE alma_pushes ADD COLUMN runner_boot TEXT;
