import { describe, expect, it } from 'vitest';
import { makeSet, patrons, storeWithSet } from '../helpers/jobs.js';
import { spawnCliOn } from '../helpers/running-jobs.js';

/**
 * Several real processes writing one store at once, as cron entries that overlap do: each
 * waits its turn for the write lock; none fails, and none says "database is locked".
 */

const SETS = 4;
const PER_SET = 120;
const PER_IMPORT = 300;

/** An import file of n new users whose IDs start with `prefix`. */
function importFile(prefix: string, n: number): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const id = `${prefix}${String(i + 1).padStart(4, '0')}`;
    return `${id},Imp,Orted ${id},${id.toLowerCase()}@example.edu,GRAD,patron`;
  });
  return ['primary_id,first_name,last_name,email,user_group,roles', ...rows].join('\n') + '\n';
}

describe('concurrency', () => {
  it('four jobs on disjoint sets, two imports, a set and a setting, all at once: every one finishes, none reports a locked store', async () => {
    const members = patrons(SETS * PER_SET);
    const s = await storeWithSet(members, 'everyone');
    try {
      for (let k = 0; k < SETS; k++) await makeSet(s, `part${k + 1}`, members.slice(k * PER_SET, (k + 1) * PER_SET).map((u) => u.primary_id));
      const imports = ['A', 'B'].map((p) => s.file(`import-${p}.csv`, importFile(`IMP${p}`, PER_IMPORT)));

      const runs = [
        // Two jobs queue letters (.eml files beside the store) in their bulks, two change users only.
        ...Array.from({ length: SETS }, (_, k) => spawnCliOn(s, [
          '--format', 'json', 'job', 'run', 'update-notify', '--set', `part${k + 1}`, '--add-role', 'license-viewer',
          '--add-note', `part ${k + 1}`, '--bulk-size', '20', ...(k % 2 === 0 ? ['--notify', 'GENERAL_MESSAGE'] : []),
        ])),
        ...imports.map((f) => spawnCliOn(s, ['users', 'import', f])),
        spawnCliOn(s, ['set', 'create', 'graduates', '--query', 'user_group = "GRAD"']),
        spawnCliOn(s, ['config', 'set', 'institution.name', 'Busy Library']),
      ];
      const results = await Promise.all(runs.map((r) => r.done));

      for (const r of results) {
        expect(r.stderr).not.toMatch(/database is locked|SQLITE_BUSY|stayed busy/i);
        expect(r.code, r.stderr).toBe(0);
      }
      const jobs = results.slice(0, SETS).map((r) => JSON.parse(r.stdout) as { id: string; status: string; counters: Record<string, number> });
      for (const job of jobs) {
        expect(job).toMatchObject({ status: 'Completed Successfully', counters: { processed: PER_SET, changed: PER_SET, roles_added: PER_SET } });
      }
      expect(jobs.filter((j) => j.counters.letters_queued === PER_SET)).toHaveLength(SETS / 2);

      // Every member was changed once, by the job of its own set.
      const listed = JSON.parse((await s.run(['users', 'list', '--format', 'json'])).stdout) as { primary_id: string }[];
      expect(listed).toHaveLength(1 + SETS * PER_SET + 2 * PER_IMPORT);
      for (const [k, job] of jobs.entries()) {
        const report = JSON.parse((await s.run(['job', 'report', job.id, '--format', 'json'])).stdout) as { primary_id: string; outcome: string }[];
        expect(report.map((u) => u.primary_id)).toEqual(members.slice(k * PER_SET, (k + 1) * PER_SET).map((u) => u.primary_id));
        expect(report.every((u) => u.outcome === 'changed')).toBe(true);
      }
      expect((await s.run(['config', 'get', 'institution.name'])).stdout).toBe('Busy Library\n');
      const doctor = await s.run(['doctor', '--format', 'json']);
      expect(doctor.code).toBe(0);
    } finally {
      s.cleanup();
    }
  }, 120_000);
});
