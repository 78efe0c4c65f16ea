import { AuditTrail } from '../../store/audit.js';
import type { Db } from '../../store/db.js';
import { JobMembers } from '../../store/job-members.js';
import { JobResults } from '../../store/job-results.js';
import { JobStore } from '../../store/jobs.js';
import { UserColumnWriter } from '../../store/user-columns.js';
import { UserRecords } from '../../store/user-records.js';

/** The parts of the store a job reads and writes, over one connection. */
export interface JobStores {
  db: Db;
  jobs: JobStore;
  members: JobMembers;
  results: JobResults;
  audit: AuditTrail;
  users: UserColumnWriter;
  /** Whole users created and deleted (users add and delete, purge, their undo). */
  records: UserRecords;
}

export function jobStores(db: Db): JobStores {
  return {
    db, jobs: new JobStore(db), members: new JobMembers(db), results: new JobResults(db), audit: new AuditTrail(db), users: new UserColumnWriter(db),
    records: new UserRecords(db),
  };
}
