import { excerpt } from '../text.js';
import type { User } from '../user.js';
import { LIST_FIELDS, SCALAR_FIELDS } from '../user-fields.js';

/**
 * What a job did to one user, field by field: the audit trail's unit, which `job report`,
 * `users history` and `job undo` all read. A scalar field has no key; an element of a list
 * (a role, a block, a note...) is named by its key within the list.
 */
export interface FieldChange {
  field: string;
  /** The element's key within a list field (roles: "role@SCOPE"); absent for a scalar. */
  key?: string;
  /** null when the field was empty or the element absent (an added element). */
  before: unknown;
  /** null when the field was cleared or the element removed. */
  after: unknown;
}

/** The audit's stand-in for a password: that it was reset, never the value or its hash. */
export const PASSWORD_FIELD = 'password';
export const PASSWORD_RESET = 'reset';

/**
 * A whole record created (before null) or deleted (after null) by a job: `users add`,
 * `users delete`, a purge, or an undo of them. Its value is a summary of the user, never
 * its password hash; the deleted record itself is kept apart (store/user-records.ts).
 */
export const RECORD_FIELD = 'user';

/** How each list field's elements are told apart. */
export const ELEMENT_KEYS: Record<string, (element: never) => string> = {
  roles: (r: { role: string; scope?: string }) => (r.scope ? `${r.role}@${r.scope}` : r.role),
  blocks: (b: { description: string }) => b.description,
  notes: (n: { type: string; text: string }) => `${n.type}: ${n.text}`,
  statistics: (s: { category: string }) => s.category,
  rs_libraries: (code: string) => code,
};

export function elementKey(field: string, element: unknown): string {
  const f = ELEMENT_KEYS[field];
  if (!f) throw new Error(`${field} is not a keyed list field`);
  return (f as (e: unknown) => string)(element);
}

/** One change as people read it: "status: ACTIVE -> INACTIVE", "roles +license-viewer@MAIN". */
export function describeChange(c: FieldChange): string {
  if (c.field === PASSWORD_FIELD) return 'password reset';
  if (c.field === RECORD_FIELD) return c.before === null ? 'user created' : 'user deleted';
  if (c.key !== undefined) {
    const key = excerpt(c.key);
    if (c.before === null) return `${c.field} +${key}`;
    if (c.after === null) return `${c.field} -${key}`;
    return `${c.field} ${key}: ${elementText(c.before)} -> ${elementText(c.after)}`;
  }
  return `${c.field}: ${scalarText(c.before)} -> ${scalarText(c.after)}`;
}

export function describeChanges(changes: readonly FieldChange[]): string {
  return changes.map(describeChange).join('; ');
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  // A whole list (identifiers, e-mails... as a sync replaces them) reads as its JSON, not [object Object].
  if (Array.isArray(v)) return v.length ? excerpt(JSON.stringify(v)) : '(empty)';
  return excerpt(String(v));
}

/** An element that changed in place (a role re-activated): its status and expiry tell the story. */
function elementText(v: unknown): string {
  if (v === null || typeof v !== 'object') return scalarText(v);
  const o = v as Record<string, unknown>;
  const parts = [o.status, o.expiry_date ? `until ${String(o.expiry_date)}` : undefined].filter(Boolean);
  return parts.length ? parts.join(' ') : excerpt(JSON.stringify(v));
}

/** Equality of two elements or values as stored (JSON), whatever the order of their keys. */
export function sameValue(a: unknown, b: unknown): boolean {
  const x = a ?? null;
  const y = b ?? null;
  // Most values are plain text, and most lists keep their keys' order: both settled without the canonical JSON (a sync compares a million users).
  if (x === y) return true;
  if (typeof x !== 'object' && typeof y !== 'object') return false;
  if (Array.isArray(x) && Array.isArray(y)) {
    if (x.length !== y.length) return false;
    if (x.length === 0) return true;
  }
  if (x !== null && y !== null && JSON.stringify(x) === JSON.stringify(y)) return true;
  return canonical(x) === canonical(y);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The user columns a plan's changes touch: what the engine writes back. */
export function changedColumns(changes: readonly FieldChange[]): string[] {
  // A few changes a user, a million users: a list, not a Set.
  const columns: string[] = [];
  for (const c of changes) {
    const column = c.field === PASSWORD_FIELD ? 'password_hash' : c.field;
    if (!columns.includes(column)) columns.push(column);
  }
  return columns;
}

/**
 * Every difference between two versions of a user, in the audit's terms: a scalar field or
 * an unkeyed list (identifiers, e-mails, phones, addresses) whole; a keyed list element by
 * element, so that `job undo` sees exactly which role or block a later change touched.
 */
export function userChanges(before: User, after: User): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of SCALAR_FIELDS) {
    if (!sameValue(before[f], after[f])) out.push({ field: f, before: before[f] ?? null, after: after[f] ?? null });
  }
  if ((before.password_hash ?? null) !== (after.password_hash ?? null)) {
    out.push({ field: PASSWORD_FIELD, before: null, after: PASSWORD_RESET });
  }
  for (const f of LIST_FIELDS) {
    const was = before[f] as unknown[];
    const is = after[f] as unknown[];
    if (sameValue(was, is)) continue;
    if (!ELEMENT_KEYS[f]) {
      out.push({ field: f, before: was, after: is });
      continue;
    }
    const old = new Map(was.map((e) => [elementKey(f, e), e]));
    const now = new Map(is.map((e) => [elementKey(f, e), e]));
    for (const [key, e] of old) if (!now.has(key)) out.push({ field: f, key, before: e, after: null });
    for (const [key, e] of now) {
      const o = old.get(key);
      if (o === undefined || !sameValue(o, e)) out.push({ field: f, key, before: o ?? null, after: e });
    }
  }
  return out;
}
