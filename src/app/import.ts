import { AuditTrail } from '../store/audit.js';
import { addCode, loadCodeBook } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { sameUser, UserStore } from '../store/users.js';
import { isRestrictedAccount, type Operator } from '../domain/authz.js';
import { USER_CODE_FIELDS, type CodeAttrs, type CodeBook, type CodeTable } from '../domain/codes.js';
import { SeenIds } from '../domain/import-seen.js';
import { codeKey, controlCharacter, type ImportRecord, type ReadItem, type SourceRef } from '../domain/import-record.js';
import { userChanges } from '../domain/jobs/changes.js';
import { hashPassword, verifyPassword } from '../domain/password.js';
import { shellWord } from '../domain/shell.js';
import { describeIssue, userSchema, type Email, type Identifier, type Phone, type Role, type User } from '../domain/user.js';
import type { StoredUser } from '../domain/user-fields.js';

/**
 * `users import`: records from the readers (src/io) are validated against the user model
 * and the code tables, compared with the store, and written in transactions of a few
 * thousand users. A record that cannot be used is rejected with its place and reason and
 * the others load; a rerun of the same files changes nothing more (unchanged users stay so).
 */

export interface ImportSource {
  items: AsyncIterable<ReadItem> | Iterable<ReadItem>;
}

export interface ImportOptions {
  operator: Operator;
  dryRun?: boolean;
  addMissingCodes?: boolean;
  now?: Date;
}

export interface Rejection {
  file: string;
  line: number | null;
  record: number;
  primary_id: string | null;
  reason: string;
}

export interface CodeAdded {
  table: CodeTable;
  code: string;
  description: string | null;
  alma_code?: string;
}

export interface ImportReport {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rejections: Rejection[];
  /** Rejections beyond MAX_REJECTIONS are counted in `rejected` but not listed. */
  rejections_not_listed: number;
  codes_added: CodeAdded[];
}

/** How many rejections a report lists; a file of a million bad rows must not fill memory. */
export const MAX_REJECTIONS = 10_000;
const BATCH = 4000;

/** The user's code fields and their tables, listed once rather than per record. */
const CODE_FIELDS = Object.entries(USER_CODE_FIELDS) as [keyof typeof USER_CODE_FIELDS, CodeTable][];

/** SQLite's NOCASE folds ASCII letters only; so does the duplicate check. */
function fold(id: string): string {
  return /[^\x00-\x7f]/.test(id) ? id.replace(/[A-Z]/g, (c) => c.toLowerCase()) : id.toLowerCase();
}

function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

interface Pending {
  rec: ImportRecord;
  passwordHash?: string;
}

interface Missing {
  table: CodeTable;
  code: string;
  desc: string | undefined;
  /** For a role named by Alma's role_type code: the slug it would get. */
  slug?: string;
}

/** The one preferred entry of a list, set to `value` (others kept, no longer preferred). */
function setPreferred<T extends { preferred: boolean }>(list: T[], key: keyof T, value: string | null, make: (v: string) => T): T[] {
  const current = list.find((e) => e.preferred) ?? list[0];
  if (value === null) return list.filter((e) => e !== current);
  const same = list.find((e) => e[key] === value);
  if (same) return list.map((e) => ({ ...e, preferred: e === same }));
  if (current) return list.map((e) => (e === current ? { ...e, [key]: value, preferred: true } : { ...e, preferred: false }));
  return [...list.map((e) => ({ ...e, preferred: false })), make(value)];
}

function setBarcode(list: Identifier[], value: string | null): Identifier[] {
  const i = list.findIndex((x) => x.type === 'BARCODE' && x.status === 'ACTIVE');
  if (value === null) return i < 0 ? list : list.filter((_, j) => j !== i);
  if (i >= 0) return list.map((x, j) => (j === i ? { ...x, value } : x));
  return [...list, { type: 'BARCODE', value, status: 'ACTIVE', segment: 'Internal' }];
}

export async function importUsers(db: Db, sources: ImportSource[], opts: ImportOptions): Promise<ImportReport> {
  const dryRun = opts.dryRun === true;
  const at = (opts.now ?? new Date()).toISOString();
  const actor = opts.operator.user.primary_id;
  const users = new UserStore(db);
  // Updates are audited as jobs' changes are, so `users history` shows them and `job undo`
  // sees a later import as a conflict. A creation's record is the user's created_* columns.
  const audit = new AuditTrail(db);
  const codes: CodeBook = loadCodeBook(db);
  const roleByAlma = new Map<string, string>();
  for (const r of codes.codes('role')) if (r.attrs.alma_code) roleByAlma.set(r.attrs.alma_code, r.code);
  const report: ImportReport = {
    dry_run: dryRun, created: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [], rejections_not_listed: 0, codes_added: [],
  };
  const files: string[] = [];
  const seen = new SeenIds();

  const reject = (where: SourceRef, primaryId: string | undefined, reason: string) => {
    report.rejected++;
    if (report.rejections.length >= MAX_REJECTIONS) {
      report.rejections_not_listed++;
      return;
    }
    report.rejections.push({ file: where.file, line: where.line ?? null, record: where.record, primary_id: primaryId || null, reason });
  };

  const place = (where: SourceRef) => {
    let f = files.indexOf(where.file);
    if (f < 0) f = files.push(where.file) - 1;
    return f * 2 ** 32 + (where.line ?? where.record);
  };
  const describePlace = (n: number) => {
    const file = files[Math.floor(n / 2 ** 32)]!;
    return `${file}:${n % 2 ** 32}`;
  };

  const resolveRole = (token: string) => (codes.has('role', token) ? token : roleByAlma.get(token));

  const addMissing = (m: Missing) => {
    const description = m.desc ?? null;
    let code = m.code;
    const attrs: CodeAttrs = {};
    if (m.table === 'role' && m.slug !== undefined) {
      code = m.slug;
      attrs.alma_code = m.code;
    }
    if (!dryRun) addCode(db, m.table, code, description ?? undefined, attrs);
    codes.put({ table: m.table, code, description: description ?? undefined, attrs });
    if (attrs.alma_code) roleByAlma.set(attrs.alma_code, code);
    report.codes_added.push({ table: m.table, code, description, ...(attrs.alma_code ? { alma_code: attrs.alma_code } : {}) });
  };

  /** The slug a role named by an unknown Alma role_type gets: from its desc, kept unique. */
  const newRoleSlug = (token: string, desc: string | undefined) => {
    let s = desc ? slug(desc) : '';
    if (!s) s = `role-${slug(token) || 'unnamed'}`;
    return codes.has('role', s) ? `${s}-${slug(token)}` : s;
  };

  const checkCodes = (user: User, rec: ImportRecord): Missing[] => {
    const missing: Missing[] = [];
    const need = (table: CodeTable, code: string | undefined) => {
      if (code === undefined || codes.has(table, code)) return;
      if (missing.some((m) => m.table === table && m.code === code)) return;
      missing.push({ table, code, desc: rec.descs.get(codeKey(table, code)) });
    };
    for (const [field, table] of CODE_FIELDS) need(table, user[field]);
    for (const role of user.roles) {
      const resolved = resolveRole(role.role);
      if (resolved !== undefined) role.role = resolved;
      else if (!missing.some((m) => m.table === 'role' && m.code === role.role)) {
        const desc = rec.descs.get(codeKey('role', role.role));
        missing.push({ table: 'role', code: role.role, desc, ...(/^\d+$/.test(role.role) ? { slug: newRoleSlug(role.role, desc) } : {}) });
      }
      need('library', role.scope);
    }
    for (const x of user.identifiers) need('identifier_type', x.type);
    for (const b of user.blocks) need('block_description', b.description);
    for (const n of user.notes) need('note_type', n.type);
    for (const s of user.statistics) need('statistic_category', s.category);
    for (const l of user.rs_libraries) need('rs_library', l);
    return missing;
  };

  const missingReason = (missing: Missing[]) =>
    missing
      .map((m) => {
        const name = m.table === 'role' && m.slug !== undefined ? `role_type "${m.code}"${m.desc ? ` (${m.desc})` : ''}` : `${m.table} "${m.code}"`;
        const add =
          m.table === 'role' && m.slug !== undefined
            ? `alma-users codes add role ${m.slug} ${shellWord(m.desc ?? m.code)} --alma-code ${m.code}`
            : `alma-users codes add ${m.table} ${shellWord(m.code)}${m.desc ? ` ${shellWord(m.desc)}` : ''}`;
        return `unknown ${name}: add it with \`${add}\``;
      })
      .join('; ') + ', or import with --add-missing-codes';

  const mergeRoles = (refs: NonNullable<ImportRecord['roleList']>, held: Role[]): unknown[] =>
    refs.map((ref) => {
      const slugOf = resolveRole(ref.role) ?? ref.role;
      const same = held.find((r) => r.role === slugOf && (r.scope ?? '') === (ref.scope ?? ''));
      return same ?? ref;
    });

  /** One record, inside its batch's transaction: counted in the tally, or rejected. */
  const processOne = (p: Pending, tally: { created: number; updated: number; unchanged: number }) => {
    const rec = p.rec;
    const rawId = typeof rec.fields.primary_id === 'string' ? rec.fields.primary_id.trim() : '';
    const control = controlCharacter(rec);
    if (control) return reject(rec.at, rawId, control);
    const existing: StoredUser | undefined = rawId ? users.get(rawId) : undefined;
    if (rawId) {
      const first = seen.firstOrAdd(fold(rawId), place(rec.at));
      if (first !== undefined) {
        reject(rec.at, rawId, `primary_id ${rawId} appears more than once in this import (first at ${describePlace(first)})`);
        return;
      }
    }
    const merged: Record<string, unknown> = existing ? { ...existing } : {};
    Object.assign(merged, rec.fields);
    if (existing) merged.primary_id = existing.primary_id;
    if (rec.preferredEmail !== undefined) {
      merged.emails = setPreferred((merged.emails as Email[] | undefined) ?? [], 'address', rec.preferredEmail,
        (address) => ({ address, types: [], preferred: true, segment: 'Internal' as const }));
    }
    if (rec.preferredPhone !== undefined) {
      merged.phones = setPreferred((merged.phones as Phone[] | undefined) ?? [], 'number', rec.preferredPhone,
        (number) => ({ number, types: [], preferred: true, preferred_sms: false, segment: 'Internal' as const }));
    }
    if (rec.barcode !== undefined) merged.identifiers = setBarcode((merged.identifiers as Identifier[] | undefined) ?? [], rec.barcode);
    if (rec.roleList !== undefined) merged.roles = mergeRoles(rec.roleList, existing?.roles ?? []);
    if (p.passwordHash !== undefined) merged.password_hash = p.passwordHash;

    const parsed = userSchema.safeParse(merged);
    if (!parsed.success) return reject(rec.at, rawId, describeIssue(parsed.error));
    const user = parsed.data;

    const missing = checkCodes(user, rec);
    if (missing.length) {
      if (!opts.addMissingCodes) return reject(rec.at, rawId, missingReason(missing));
      for (const m of missing) addMissing(m);
      for (const role of user.roles) role.role = resolveRole(role.role) ?? role.role;
    }
    const bare = user.roles.find((r) => r.parameters.length === 0 && codes.get('role', r.role)?.attrs.needs_parameters);
    if (bare) return reject(rec.at, rawId, `role ${bare.role} needs parameters (such as its circulation desk), which the file does not give`);

    if (existing && sameUser(existing, user)) {
      tally.unchanged++;
      return;
    }
    if (!opts.operator.isAdministrator && ((existing && isRestrictedAccount(codes, existing)) || isRestrictedAccount(codes, user))) {
      return reject(rec.at, rawId, `only a User Administrator may create or change a user holding a restricted role (operator ${actor} holds User Manager)`);
    }
    if (existing) {
      if (!dryRun) {
        users.update(existing.id, user, actor, at);
        audit.insert({
          job_id: null, seq: null, user_id: existing.id, primary_id: existing.primary_id, operator: actor,
          reason: `users import ${rec.at.file}`, at, changes: JSON.stringify(userChanges(existing, user)),
        });
      }
      tally.updated++;
    } else {
      if (!dryRun) users.insert(user, actor, at);
      tally.created++;
    }
  };

  const flush = async (batch: Pending[]) => {
    for (const p of batch) {
      const password = p.rec.password;
      if (password === undefined) continue;
      const id = typeof p.rec.fields.primary_id === 'string' ? p.rec.fields.primary_id.trim() : '';
      const stored = id ? users.get(id)?.password_hash : undefined;
      p.passwordHash = stored && (await verifyPassword(password, stored)) ? stored : await hashPassword(password);
    }
    const tally = { created: 0, updated: 0, unchanged: 0 };
    const run = () => {
      for (const p of batch) processOne(p, tally);
    };
    if (dryRun) run();
    else users.writeTogether(run);
    report.created += tally.created;
    report.updated += tally.updated;
    report.unchanged += tally.unchanged;
  };

  await users.bulkLoad(async () => {
    let batch: Pending[] = [];
    for (const source of sources) {
      for await (const item of source.items) {
        if ('error' in item) {
          reject(item.at, item.primary_id, item.error);
          continue;
        }
        batch.push({ rec: item });
        if (batch.length >= BATCH) {
          await flush(batch);
          batch = [];
        }
      }
    }
    if (batch.length) await flush(batch);
  });
  return report;
}
