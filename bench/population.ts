import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { measureCli, type BenchContext } from './harness.js';

/**
 * A deterministic synthetic population: the same N users on every run, so that runs can
 * be compared. IDs are zero-padded (0000001...) because leading zeros are what real ID
 * files lose, and every user has an e-mail, a barcode and a role.
 */

export const POPULATION_HEADER =
  'primary_id,first_name,last_name,email,user_group,job_category,record_type,account_type,external_id,status,expiry_date,purge_date,barcode,roles';

const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Radia', 'Ngozi', 'Hiroshi', 'Zoë', 'Jürgen'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'McCarthy', 'Perlman', 'Okonjo', 'Tanaka', "O'Brien", 'Müller'];
const GROUPS = ['UNDERGRAD', 'GRAD', 'FACULTY', 'STAFF', 'ALUMNI'];
const JOBS = ['', '', '', 'Cataloger', 'Circulation', 'Acquisitions', 'Systems'];

export function populationId(i: number): string {
  return String(i).padStart(7, '0');
}

export function populationLine(i: number): string {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[(i * 7) % LAST.length]!;
  const group = GROUPS[i % GROUPS.length]!;
  const job = group === 'STAFF' ? JOBS[(i >> 3) % JOBS.length]! : '';
  const staff = group === 'STAFF';
  const external = i % 3 === 0;
  const year = 2027 + (i % 4);
  const month = String((i % 12) + 1).padStart(2, '0');
  const id = populationId(i);
  const lastCsv = last.includes("'") ? `"${last}"` : last;
  return [
    id, first, lastCsv, `u${id}@example.edu`, group, job, staff ? 'STAFF' : 'PUBLIC',
    external ? 'EXTERNAL' : 'INTERNAL', external ? 'SIS' : '', 'ACTIVE', `${year}-${month}-28`, `${year + 1}-${month}-28`,
    `B${id}`, staff && job === 'Cataloger' ? 'patron;cataloger@MAIN' : 'patron',
  ].join(',');
}

/** Writes the population as an Alma-field CSV, streamed. */
export async function writePopulationCsv(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write(POPULATION_HEADER + '\n');
  for (let i = 1; i <= n; i++) {
    if (!out.write(populationLine(i) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Writes an ID file (with a `User name` header) of the population's first n IDs. */
export async function writeIdFile(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('User name\n');
  for (let i = 1; i <= n; i++) {
    if (!out.write(populationId(i) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

let storeOnce: Promise<string> | undefined;

/**
 * A store holding the whole population, imported once per bench run through the real
 * CLI; suites that change it work on a copy (copyStore).
 */
export function populatedStore(ctx: BenchContext): Promise<string> {
  storeOnce ??= (async () => {
    const csv = path.join(ctx.dir, 'population.csv');
    if (!fs.existsSync(csv)) await writePopulationCsv(csv, ctx.users);
    const db = path.join(ctx.dir, 'population.db');
    const env = { ALMA_USERS_DB: db, ALMA_USERS_OPERATOR: 'bench-admin' };
    await measureCli(['init', '--admin', 'bench-admin'], env);
    await measureCli(['--quiet', 'users', 'import', csv], env);
    return db;
  })();
  return storeOnce;
}

/**
 * A private copy of the populated store. No process has it open, and the last connection
 * to close checkpoints the WAL into the main file, so copying that file is complete.
 */
export async function copyStore(ctx: BenchContext, name: string): Promise<string> {
  const src = await populatedStore(ctx);
  const dst = path.join(ctx.dir, `${name}.db`);
  fs.copyFileSync(src, dst);
  return dst;
}
