-- Who owns a running job or a letter being sent is judged by host and pid; a pid means
-- nothing after a reboot (it may be reused), so the boot it was recorded in is kept too
-- (Linux: /proc/sys/kernel/random/boot_id; NULL where there is none). carries_password
-- marks the letters whose body holds a temporary password: such a body is erased as soon
-- as the letter is sent, refused for good or left uncertain, not only once sent.

ALTER TABLE jobs ADD COLUMN boot_id TEXT;
ALTER TABLE outbox ADD COLUMN claimed_boot TEXT;
ALTER TABLE outbox ADD COLUMN carries_password INTEGER NOT NULL DEFAULT 0 CHECK (carries_password IN (0, 1));
UPDATE outbox SET carries_password = 1 WHERE notification_type = 'NOTIFY_PASSWORD_CHANGE';
UPDATE outbox SET body_text = NULL, body_html = NULL
 WHERE carries_password = 1 AND status IN ('failed', 'uncertain', 'discarded', 'suppressed');
