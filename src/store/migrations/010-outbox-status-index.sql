-- Every move of a letter (pending -> sending -> sent) rewrote an entry in two indexes that
-- hold its status, (job_id, status) and (status): a sending run writes about a quarter fewer
-- pages a letter with one, (status, job_id), which serves the same lookups by status with or
-- without a job. A job's letters are found by job_id, which a move never changes.

DROP INDEX outbox_job_status;
DROP INDEX outbox_status;
CREATE INDEX outbox_status_job ON outbox (status, job_id);
CREATE INDEX outbox_job ON outbox (job_id);
