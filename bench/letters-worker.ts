import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Liquid } from 'liquidjs';
import { nanoid } from 'nanoid';
import nodemailer from 'nodemailer';
import { loadLetters, PASSWORD_TYPE } from '../src/app/letters/load.js';
import { builtInTemplatesDir } from '../src/app/package-files.js';
import { generatePassword } from '../src/domain/password.js';
import { userSchema, type User } from '../src/domain/user.js';
import { preferredEmail } from '../src/domain/user-fields.js';
import { deliver } from '../src/app/mail/deliver.js';
import { SmtpTransport } from '../src/mail/index.js';
import { openStore } from '../src/store/db.js';
import { Outbox } from '../src/store/outbox-queue.js';
import { openBodies } from '../src/store/outbox-secrets.js';
import { POPULATION_HEADER, populationLine } from './population.js';

/**
 * The measured work of bench/letters.ts, each in its own process:
 *   queue DB N subject|ceiling|unsealed   render and queue N password letters in bulks of 1,000
 *   deliver DB URL subject|ceiling   send the store's pending letters to the SMTP server at URL
 * Prints {"seconds": ...} for the measured phase only (each bulk's users are built outside the clock).
 */

const BULK = 1000;
const POOL = 5;
const [mode, dbFile, arg, kind] = process.argv.slice(2);

/**
 * The users of one bulk, with their new passwords, built as a job reads its members: a bulk
 * at a time. Holding all of them for the whole run would make every garbage collection
 * walk the lot, a cost that grows with the run and that no job pays.
 */
function bulkOf(from: number, n: number): { users: User[]; passwords: string[] } {
  const keys = POPULATION_HEADER.split(',');
  const users: User[] = [];
  for (let i = from + 1; i <= Math.min(from + BULK, n); i++) {
    const cells = populationLine(i).split(',').map((c) => c.replace(/^"|"$/g, ''));
    const f = Object.fromEntries(keys.map((k, j) => [k, cells[j] ?? '']));
    users.push(userSchema.parse({
      primary_id: f.primary_id, first_name: f.first_name, last_name: f.last_name, user_group: f.user_group,
      expiry_date: f.expiry_date, emails: [{ address: f.email, preferred: true }],
      identifiers: [{ type: 'BARCODE', value: f.barcode }],
    }));
  }
  return { users, passwords: users.map(() => generatePassword()) };
}

/** Runs `write` on each bulk of n users; the seconds spent in `write` only (the users are built outside the clock). */
function timedBulks(n: number, write: (bulk: { users: User[]; passwords: string[] }, from: number) => void): number {
  let spent = 0n;
  for (let from = 0; from < n; from += BULK) {
    const bulk = bulkOf(from, n);
    const started = process.hrtime.bigint();
    write(bulk, from);
    spent += process.hrtime.bigint() - started;
  }
  return Number(spent) / 1e9;
}

async function queueSubject(db: Database.Database, n: number): Promise<number> {
  const renderer = await loadLetters(db);
  const outbox = new Outbox(db);
  const bulk = db.transaction(({ users, passwords }: { users: User[]; passwords: string[] }, from: number) => {
    users.forEach((user, j) => {
      const letter = renderer.render({ user, type: PASSWORD_TYPE, password: passwords[j], jobId: 'bench' });
      outbox.enqueue({ jobId: null, userId: from + j + 1, primaryId: user.primary_id, type: PASSWORD_TYPE, recipient: preferredEmail(user)!, ...letter, carriesPassword: true });
    });
  });
  return timedBulks(n, bulk);
}

/**
 * The ceiling: the same layout and labels with the same engine, the labels that never
 * change rendered once, each letter rendered and written by one prepared INSERT, its two
 * body parts sealed as issue 11 requires (AES-256-GCM under a new random key per letter,
 * base64 in the row, the key written at the letter's rowid in the file beside the store).
 * `unsealed` leaves the sealing out: the work as it was before that requirement.
 */
function queueCeiling(db: Database.Database, n: number, sealed: boolean): number {
  const dir = builtInTemplatesDir();
  const labels = JSON.parse(fs.readFileSync(path.join(dir, 'labels', 'en.json'), 'utf8')) as {
    common: Record<string, string>; types: Record<string, { subject: string; lines: string[] }>;
  };
  const text = new Liquid();
  const html = new Liquid({ outputEscape: 'escape' });
  const htmlTpl = html.parse(fs.readFileSync(path.join(dir, 'letter.html.liquid'), 'utf8'));
  const textTpl = text.parse(fs.readFileSync(path.join(dir, 'letter.txt.liquid'), 'utf8'));
  const institution = { name: 'The Library', address: null, address_lines: [], email: null };
  const date = new Date().toISOString().slice(0, 10);
  const constant: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(labels.common)) constant[k] = text.parseAndRenderSync(v, { institution, date });
  const type = labels.types[PASSWORD_TYPE]!;
  constant.lines = type.lines.map((l) => text.parseAndRenderSync(l, { institution }));
  const subject = text.parseAndRenderSync(type.subject, { institution }) as string;
  const greeting = text.parse(labels.common.greeting!);
  const insert = db.prepare(`INSERT INTO outbox (id, message_id, job_id, user_id, primary_id, notification_type, recipient,
    subject, body_text, body_html, status, created_at, updated_at, carries_password) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`);
  const keys = fs.openSync(`${dbFile}-letterkeys`, 'a+', 0o600);
  const seal = (key: Buffer, text: string) => {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return `sealed:v1:${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
  };
  const bulk = db.transaction(({ users, passwords }: { users: User[]; passwords: string[] }, from: number) => {
    users.forEach((u, j) => {
      const user = { primary_id: u.primary_id, name: `${u.first_name} ${u.last_name}`, user_group: u.user_group, user_group_description: u.user_group, expiry_date: u.expiry_date };
      const scope = { user, institution, password: passwords[j], job_id: 'bench', date, language: 'en', subject,
        labels: { ...constant, greeting: text.renderSync(greeting, { user }), subject } };
      const id = nanoid();
      const at = new Date().toISOString();
      const bodyText = text.renderSync(textTpl, scope) as string;
      const bodyHtml = html.renderSync(htmlTpl, scope) as string;
      const key = sealed ? crypto.randomBytes(32) : undefined;
      const { lastInsertRowid } = insert.run(id, `<${id}@bench.invalid>`, from + j + 1, u.primary_id, PASSWORD_TYPE, u.emails[0]!.address, subject,
        key ? seal(key, bodyText) : bodyText, key ? seal(key, bodyHtml) : bodyHtml, at, at, key ? 1 : 0);
      if (key) fs.writeSync(keys, key, 0, 32, Number(lastInsertRowid) * 32);
    });
  });
  const seconds = timedBulks(n, bulk);
  fs.closeSync(keys);
  return seconds;
}

async function deliverSubject(db: Database.Database, url: string): Promise<number> {
  const transport = new SmtpTransport({ url, from: '"Bench Library" <library@example.edu>', poolSize: POOL, timeoutMs: 30_000 });
  const started = process.hrtime.bigint();
  const r = await deliver(db, { transport, retryDelays: [] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await transport.close();
  if (r.sent === 0 || r.failed || r.pending) throw new Error(`deliver: ${JSON.stringify(r)}`);
  return seconds;
}

/**
 * Plain nodemailer with the same pool, sending the same messages, all queued at once: the
 * letters are read and their sealed bodies opened before the clock starts.
 */
async function deliverCeiling(db: Database.Database, url: string): Promise<number> {
  const rows = db.prepare<[], { slot: number; message_id: string; recipient: string; subject: string; body_text: string; body_html: string }>(
    "SELECT rowid AS slot, message_id, recipient, subject, body_text, body_html FROM outbox WHERE status = 'pending'").all();
  const letters = rows.map((l) => {
    const [text, html] = openBodies(db, l.slot, [l.body_text, l.body_html]);
    if (typeof text !== 'string' || typeof html !== 'string') throw new Error(`letter ${l.message_id}: its body cannot be opened`);
    return { ...l, body_text: text, body_html: html };
  });
  const u = new URL(url);
  const pool = nodemailer.createTransport({ pool: true, host: u.hostname, port: Number(u.port), secure: false, maxConnections: POOL });
  const started = process.hrtime.bigint();
  await Promise.all(letters.map((l) => pool.sendMail({
    from: '"Bench Library" <library@example.edu>', to: l.recipient, subject: l.subject, text: l.body_text, html: l.body_html, messageId: l.message_id,
  })));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  pool.close();
  return seconds;
}

// Top-level await is not CommonJS: the run is one async function, made after the checks above.
const main = async (): Promise<void> => {
  const db = openStore(dbFile!);
  let seconds: number;
  if (mode === 'queue') {
    seconds = kind === 'subject' ? await queueSubject(db, Number(arg)) : queueCeiling(db, Number(arg), kind === 'ceiling');
  } else {
    seconds = kind === 'ceiling' ? await deliverCeiling(db, arg!) : await deliverSubject(db, arg!);
  }
  db.close();
  process.stdout.write(JSON.stringify({ seconds }) + '\n');
};

void main();
