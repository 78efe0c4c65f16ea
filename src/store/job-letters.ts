import type { Db } from './db.js';

/** Which "job completed" letter went for which end of a job (job_letters): one per end. */
export class JobLetters {
  constructor(readonly db: Db) {}

  has(jobId: string, endedAt: string): boolean {
    return this.db.prepare('SELECT 1 FROM job_letters WHERE job_id = ? AND ended_at = ?').pluck().get(jobId, endedAt) === 1;
  }

  record(jobId: string, endedAt: string, letterId: string): void {
    this.db.prepare('INSERT INTO job_letters (job_id, ended_at, letter_id) VALUES (?, ?, ?)').run(jobId, endedAt, letterId);
  }
}
