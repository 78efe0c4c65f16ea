import { sql as m001 } from './001-users-and-codes.js';
import { sql as m002 } from './002-sets.js';
import { sql as m003 } from './003-jobs.js';
import { sql as m004 } from './004-outbox.js';
import { sql as m005 } from './005-process-boot-and-secrets.js';
import { sql as m006 } from './006-sync-values.js';
import { sql as m007 } from './007-user-archive-and-job-letters.js';
import { sql as m008 } from './008-letters-resent.js';
import { sql as m009 } from './009-alma.js';
import { sql as m010 } from './010-outbox-status-index.js';
import { sql as m011 } from './011-outbox-user.js';
import { sql as m012 } from './012-alma-push-runner.js';

/**
 * The store's schema history. Append only: a released migration is never edited, since
 * stores in the field have already run it; a change is a new entry at the end.
 */
export const migrations: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'users-and-codes', sql: m001 },
  { version: 2, name: 'sets', sql: m002 },
  { version: 3, name: 'jobs', sql: m003 },
  { version: 4, name: 'outbox', sql: m004 },
  { version: 5, name: 'process-boot-and-secrets', sql: m005 },
  { version: 6, name: 'sync-values', sql: m006 },
  { version: 7, name: 'user-archive-and-job-letters', sql: m007 },
  { version: 8, name: 'letters-resent', sql: m008 },
  { version: 9, name: 'alma', sql: m009 },
  { version: 10, name: 'outbox-status-index', sql: m010 },
  { version: 11, name: 'outbox-user', sql: m011 },
  { version: 12, name: 'alma-push-runner', sql: m012 },
];
