import { bad, type Json } from './http.js';

// GET /users?q=FIELD~VALUE[ AND FIELD~VALUE...]: Alma's brief search. A value matches a
// field when it equals the field's text or one of its words (case-insensitive); a trailing
// `*` matches a prefix and `*` alone anything.

const code = (v: unknown): string[] => {
  if (v && typeof v === 'object' && 'value' in v) return [String((v as Json).value ?? '')];
  return [];
};
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string[] => (typeof v === 'string' ? [v] : []);
const contact = (u: Json): Json => (u.contact_info && typeof u.contact_info === 'object' ? (u.contact_info as Json) : {});

function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) allStrings(x, out);
  return out;
}

const FIELDS: Record<string, (u: Json) => string[]> = {
  primary_id: (u) => str(u.primary_id),
  first_name: (u) => str(u.first_name),
  last_name: (u) => str(u.last_name),
  middle_name: (u) => str(u.middle_name),
  email: (u) => list(contact(u).email).flatMap((e) => str(e.email_address)),
  phone_number: (u) => list(contact(u).phone).flatMap((p) => str(p.phone_number)),
  job_category: (u) => code(u.job_category),
  identifiers: (u) => list(u.user_identifier).flatMap((i) => str(i.value)),
  id_type: (u) => list(u.user_identifier).flatMap((i) => code(i.id_type)),
  birth_date: (u) => str(u.birth_date),
  user_group: (u) => code(u.user_group),
  campus_code: (u) => code(u.campus_code),
  block_type: (u) => list(u.user_block).flatMap((b) => code(b.block_type)),
  note_text: (u) => list(u.user_note).flatMap((n) => str(n.note_text)),
  note_type: (u) => list(u.user_note).flatMap((n) => code(n.note_type)),
  statistic_category: (u) => list(u.user_statistic).flatMap((s) => code(s.statistic_category)),
  general_info: (u) => allStrings({ ...u, contact_info: undefined, birth_date: undefined, user_identifier: undefined }),
  ALL: (u) => allStrings(u),
};

function matches(texts: string[], value: string): boolean {
  const v = value.toLowerCase();
  if (v === '*') return true;
  const prefix = v.endsWith('*') ? v.slice(0, -1) : null;
  return texts.some((t) => {
    const lower = t.toLowerCase();
    const words = [lower, ...lower.split(/\s+/)];
    return words.some((w) => (prefix === null ? w === v : w.startsWith(prefix)));
  });
}

/** A predicate for q, or a 400 naming what is wrong. */
export function userFilter(q: string | null): (u: Json) => boolean {
  if (q === null || q.trim() === '') return () => true;
  const terms = q.split(/\s+AND\s+/).map((term) => {
    const at = term.indexOf('~');
    const field = at < 0 ? '' : term.slice(0, at).trim();
    const pick = FIELDS[field];
    if (!pick) throw bad('40166410', `Invalid parameter value: q=${q} (use FIELD~VALUE with a field Alma searches).`);
    return { pick, value: term.slice(at + 1).trim() };
  });
  return (u) => terms.every((t) => matches(t.pick(u), t.value));
}

/** Alma's default order: last_name, first_name, primary_id. */
export function byName(a: Json, b: Json): number {
  const key = (u: Json) => [u.last_name, u.first_name, u.primary_id].map((x) => String(x ?? '').toLowerCase());
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < 3; i++) {
    const c = (ka[i] ?? '').localeCompare(kb[i] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

/** A user as GET /users lists it (the shape of fixtures/interop/alma-json/users_list.json). */
export function brief(u: Json, base: string): Json {
  return {
    primary_id: u.primary_id,
    first_name: u.first_name ?? '',
    last_name: u.last_name ?? '',
    middle_name: u.middle_name ?? '',
    status: u.status ?? null,
    user_group: u.user_group ?? null,
    account_type: u.account_type ?? null,
    record_type: u.record_type ?? null,
    password: '',
    fees: null,
    loans: null,
    requests: null,
    link: `${base}/users/${encodeURIComponent(String(u.primary_id))}`,
  };
}
