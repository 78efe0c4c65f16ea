import { USER_CODE_FIELDS, type CodeTable } from './codes.js';
import { addToDate, isIsoDate, today as todayOf, type DateUnit } from './dates.js';
import { UsageError } from './errors.js';
import { ACCOUNT_TYPES, RECORD_TYPES, SCALAR_FIELDS, STATUSES } from './user-fields.js';

/**
 * The query language of logical sets and `users list --query` (README, "Query language"):
 *
 *   query      := or
 *   or         := and ("OR" and)*
 *   and        := unary ("AND" unary)*
 *   unary      := "NOT" unary | "(" or ")" | condition
 *   condition  := field op value | field ["NOT"] "IN" "(" value ("," value)* ")"
 *               | field "CONTAINS" string | field "IS" ["NOT"] "EMPTY"
 *   value      := "string" | YYYY-MM-DD | today [("+"|"-") N("d"|"m"|"y")] | true | false
 *
 * A query is parsed and checked against the fields' types before anything runs, and
 * compiles to a parameterized WHERE expression over `users`: field names come from a fixed
 * table and every value is a bound parameter, so no text of the query reaches SQL.
 */

type FieldType = 'text' | 'code' | 'enum' | 'date' | 'boolean' | 'list';

interface FieldDef {
  name: string;
  type: FieldType;
  /** The SQL of the value compared: a column of users, or an expression over a list element `e`. */
  sql: string;
  /** Whether =, IN and ordering ignore case (names, e-mails, identifiers): see `caseless`. */
  nocase?: boolean;
  enumValues?: readonly string[];
  /** The code table a code field's values come from, for the warnings of `set create`. */
  codeTable?: CodeTable;
  /** list fields: the JSON-array column, and which elements count (active roles and blocks). */
  list?: { column: string; active: boolean };
  /** role: a value may name a scope, `"license-viewer@MAIN"`. */
  scoped?: boolean;
}

const ENUMS: Record<string, readonly string[]> = {
  record_type: RECORD_TYPES,
  account_type: ACCOUNT_TYPES,
  status: STATUSES,
};
const CODE_COLUMNS: Record<string, CodeTable | undefined> = { ...USER_CODE_FIELDS, preferred_language: undefined };

function scalarField(name: string): FieldDef {
  const sql = `users.${name}`;
  if (ENUMS[name]) return { name, type: 'enum', sql, enumValues: ENUMS[name] };
  if (name === 'force_password_change') return { name, type: 'boolean', sql };
  if (name.endsWith('_date')) return { name, type: 'date', sql };
  if (name in CODE_COLUMNS) {
    const table = CODE_COLUMNS[name];
    return { name, type: 'code', sql, ...(table ? { codeTable: table } : {}) };
  }
  // primary_id is declared COLLATE NOCASE; a COLLATE here would keep SQLite off its index.
  return { name, type: 'text', sql, nocase: name !== 'primary_id' };
}

export const QUERY_FIELDS: ReadonlyMap<string, FieldDef> = new Map<string, FieldDef>([
  ...SCALAR_FIELDS.map((f) => [f, scalarField(f)] as const),
  ['role', { name: 'role', type: 'list', sql: "e.value->>'role'", list: { column: 'roles', active: true }, scoped: true, codeTable: 'role' }],
  ['identifier', { name: 'identifier', type: 'list', sql: "e.value->>'value'", nocase: true, list: { column: 'identifiers', active: false } }],
  ['email', { name: 'email', type: 'list', sql: "e.value->>'address'", nocase: true, list: { column: 'emails', active: false } }],
  ['block', { name: 'block', type: 'list', sql: "e.value->>'description'", list: { column: 'blocks', active: true }, codeTable: 'block_description' }],
  ['statistic', { name: 'statistic', type: 'list', sql: "e.value->>'category'", list: { column: 'statistics', active: false }, codeTable: 'statistic_category' }],
]);

// ---------------------------------------------------------------- tokens

type TokenKind = 'word' | 'string' | 'date' | 'amount' | 'op' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  end: number;
}

const OPS = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-'];

/** Queries come from people; this bounds what a pasted file could make the parser and SQLite do. */
const MAX_LENGTH = 20_000;
const MAX_DEPTH = 100;
/** SQLite refuses expressions deeper than 1000; each AND/OR adds a level. */
const MAX_CONDITIONS = 400;
const MAX_PARAMS = 30_000;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= src.length) throw queryError(src, start, src.length, 'unterminated string', `close it with ${c}`);
        const d = src[i]!;
        if (d === '\\' && i + 1 < src.length) {
          text += src[i + 1];
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', text, pos: start, end: i });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d{4}-\d{2}-\d{2}(?![\w-])/.exec(src.slice(i)) ?? /^\d+[A-Za-z]*/.exec(src.slice(i))!;
      i += m[0].length;
      const isDate = m[0].includes('-');
      if (isDate && !isIsoDate(m[0])) throw queryError(src, start, i, `${m[0]} is not a calendar date`, 'write dates as YYYY-MM-DD');
      tokens.push({ kind: isDate ? 'date' : 'amount', text: m[0], pos: start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'word', text: m[0], pos: start, end: i });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw queryError(src, start, start + 1, `unexpected character ${JSON.stringify(c)}`, 'strings are quoted: "like this"');
    i += op.length;
    tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, pos: start, end: i });
  }
  tokens.push({ kind: 'end', text: '', pos: src.length, end: src.length });
  return tokens;
}

// ---------------------------------------------------------------- syntax tree

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

type Value =
  | { kind: 'string'; text: string; pos: number; end: number }
  | { kind: 'date'; date: string; pos: number; end: number }
  | { kind: 'today'; amount: number; unit: DateUnit; pos: number; end: number }
  | { kind: 'boolean'; value: boolean; pos: number; end: number };

export type QueryNode =
  | { kind: 'and' | 'or'; left: QueryNode; right: QueryNode }
  | { kind: 'not'; expr: QueryNode }
  | { kind: 'compare'; field: FieldDef; op: CompareOp; value: Value }
  | { kind: 'in'; field: FieldDef; negated: boolean; values: Value[] }
  | { kind: 'contains'; field: FieldDef; value: Value }
  | { kind: 'empty'; field: FieldDef; negated: boolean };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'is', 'empty', 'today', 'true', 'false']);

/** A UsageError whose message shows the query with carets under the offending part. */
function queryError(src: string, pos: number, end: number, message: string, hint?: string): UsageError {
  const shown = src.replace(/[\t\r\n]/g, ' ');
  const width = Math.max(1, Math.min(end, shown.length + 1) - pos);
  return new UsageError(`query: ${message} (at position ${pos + 1})\n  ${shown}\n  ${' '.repeat(pos)}${'^'.repeat(width)}`, hint);
}

class Parser {
  private i = 0;
  private depth = 0;
  private conditions = 0;
  constructor(private readonly src: string, private readonly tokens: Token[]) {}

  parse(): QueryNode {
    if (this.peek().kind === 'end') throw this.fail(this.peek(), 'the query is empty', 'for example: user_group = "FACULTY"');
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') {
      throw this.fail(t, `expected AND, OR or the end of the query, found ${describe(t)}`,
        t.kind === 'op' && t.text === ')' ? 'this ) closes no (' : 'join conditions with AND or OR');
    }
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    return this.tokens[this.i++]!;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === word;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private fail(t: Token, message: string, hint?: string): UsageError {
    return queryError(this.src, t.pos, t.kind === 'end' ? t.pos + 1 : t.end, message, hint);
  }

  private or(): QueryNode {
    let left = this.and();
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): QueryNode {
    let left = this.unary();
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): QueryNode {
    const t = this.peek();
    if (++this.depth > MAX_DEPTH) throw this.fail(t, `the query nests deeper than ${MAX_DEPTH} levels`);
    try {
      if (this.isWord(t, 'not')) {
        this.next();
        return { kind: 'not', expr: this.unary() };
      }
      if (this.isOp(t, '(')) {
        this.next();
        const inner = this.or();
        const close = this.peek();
        if (!this.isOp(close, ')')) throw this.fail(close, `expected ) to close the ( at position ${t.pos + 1}, found ${describe(close)}`);
        this.next();
        return inner;
      }
      return this.condition();
    } finally {
      this.depth--;
    }
  }

  private condition(): QueryNode {
    const t = this.next();
    if (++this.conditions > MAX_CONDITIONS) {
      throw this.fail(t, `more than ${MAX_CONDITIONS} conditions`, 'for long lists, use IN ("A", "B", ...) or an itemized set from a file');
    }
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) {
      throw this.fail(t, `expected a field name, found ${describe(t)}`, fieldsHint());
    }
    const field = QUERY_FIELDS.get(t.text.toLowerCase());
    if (!field) throw this.fail(t, `unknown field ${t.text}`, fieldsHint());
    const opTok = this.next();
    if (opTok.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(opTok.text)) {
      const op = opTok.text as CompareOp;
      if (op !== '=' && op !== '!=' && (field.type === 'list' || field.type === 'boolean' || field.type === 'enum')) {
        throw this.fail(opTok, `${op} does not apply to ${field.name} (${typeName(field)})`, 'use =, !=, IN or NOT IN');
      }
      return { kind: 'compare', field, op, value: this.value(field) };
    }
    if (this.isWord(opTok, 'in') || (this.isWord(opTok, 'not') && this.isWord(this.peek(), 'in'))) {
      const negated = this.isWord(opTok, 'not');
      if (negated) this.next();
      if (field.type === 'boolean') throw this.fail(opTok, `IN does not apply to ${field.name} (true or false)`, 'use = true or = false');
      const open = this.next();
      if (!this.isOp(open, '(')) throw this.fail(open, `expected ( after IN, found ${describe(open)}`, 'IN ("A", "B")');
      const values = [this.value(field)];
      while (this.isOp(this.peek(), ',')) {
        this.next();
        values.push(this.value(field));
      }
      const close = this.next();
      if (!this.isOp(close, ')')) throw this.fail(close, `expected , or ) in the IN list, found ${describe(close)}`);
      return { kind: 'in', field, negated, values };
    }
    if (this.isWord(opTok, 'contains')) {
      if (field.type === 'date' || field.type === 'boolean' || field.type === 'enum') {
        throw this.fail(opTok, `CONTAINS does not apply to ${field.name} (${typeName(field)})`);
      }
      const v = this.next();
      if (v.kind !== 'string') throw this.fail(v, `CONTAINS takes a quoted string, found ${describe(v)}`);
      if (v.text === '') throw this.fail(v, 'CONTAINS "" matches everything', 'use IS NOT EMPTY');
      return { kind: 'contains', field, value: { kind: 'string', text: v.text, pos: v.pos, end: v.end } };
    }
    if (this.isWord(opTok, 'is')) {
      let negated = false;
      if (this.isWord(this.peek(), 'not')) {
        this.next();
        negated = true;
      }
      const e = this.next();
      if (!this.isWord(e, 'empty')) throw this.fail(e, `expected EMPTY after IS${negated ? ' NOT' : ''}, found ${describe(e)}`);
      if (field.type === 'boolean') throw this.fail(opTok, `${field.name} is always true or false, never empty`);
      return { kind: 'empty', field, negated };
    }
    throw this.fail(opTok, `expected an operator after ${field.name} (=, !=, <, <=, >, >=, IN, NOT IN, CONTAINS, IS EMPTY), found ${describe(opTok)}`);
  }

  private value(field: FieldDef): Value {
    const t = this.next();
    if (field.type === 'boolean') {
      if (this.isWord(t, 'true') || this.isWord(t, 'false')) return { kind: 'boolean', value: this.isWord(t, 'true'), pos: t.pos, end: t.end };
      throw this.fail(t, `${field.name} is true or false, found ${describe(t)}`);
    }
    if (field.type === 'date') {
      if (t.kind === 'date') return { kind: 'date', date: t.text, pos: t.pos, end: t.end };
      if (t.kind === 'string' && isIsoDate(t.text)) return { kind: 'date', date: t.text, pos: t.pos, end: t.end };
      if (this.isWord(t, 'today')) return this.relative(t);
      throw this.fail(t, `${field.name} is a date; expected YYYY-MM-DD or today, found ${describe(t)}`, 'for example: today + 30d, today - 18m, 2027-01-01');
    }
    if (t.kind === 'string') {
      if (t.text.trim() === '') throw this.fail(t, 'an empty string matches nothing', `to find users without ${field.name}, write ${field.name} IS EMPTY`);
      if (field.type === 'enum') {
        const upper = t.text.trim().toUpperCase();
        if (!field.enumValues!.includes(upper)) {
          throw this.fail(t, `${field.name} is one of ${field.enumValues!.join(', ')}; found ${JSON.stringify(t.text)}`);
        }
        return { kind: 'string', text: upper, pos: t.pos, end: t.end };
      }
      return { kind: 'string', text: t.text, pos: t.pos, end: t.end };
    }
    if (t.kind === 'word' && !KEYWORDS.has(t.text.toLowerCase())) {
      throw this.fail(t, `${field.name} takes a quoted string; found the bare word ${t.text}`, `quote it: "${t.text}"`);
    }
    if (t.kind === 'date' || t.kind === 'amount') {
      throw this.fail(t, `${field.name} takes a quoted string; found ${t.text}`, `quote it, so leading zeros and letters are kept: "${t.text}"`);
    }
    throw this.fail(t, `expected a value for ${field.name}, found ${describe(t)}`);
  }

  private relative(todayTok: Token): Value {
    const sign = this.peek();
    if (!this.isOp(sign, '+') && !this.isOp(sign, '-')) return { kind: 'today', amount: 0, unit: 'd', pos: todayTok.pos, end: todayTok.end };
    this.next();
    const n = this.next();
    const m = n.kind === 'amount' ? /^(\d+)([dmyDMY])$/.exec(n.text) : null;
    if (!m) throw this.fail(n, `expected an amount such as 30d, 6m or 1y after today ${sign.text}, found ${describe(n)}`);
    const amount = Number(m[1]) * (sign.text === '-' ? -1 : 1);
    if (Math.abs(amount) > 100_000) throw this.fail(n, `${n.text} is too far from today`);
    return { kind: 'today', amount, unit: m[2]!.toLowerCase() as DateUnit, pos: todayTok.pos, end: n.end };
  }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the query';
  if (t.kind === 'string') return `the string ${JSON.stringify(t.text)}`;
  return t.text;
}

function typeName(f: FieldDef): string {
  switch (f.type) {
    case 'list': return 'a list: a user matches when one of its entries does';
    case 'enum': return f.enumValues!.join(' or ');
    case 'boolean': return 'true or false';
    case 'date': return 'a date';
    default: return 'text';
  }
}

function fieldsHint(): string {
  return `fields: ${[...QUERY_FIELDS.keys()].join(', ')}`;
}

/** Parses and checks a query; throws UsageError (exit 2) showing where it is wrong. */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_LENGTH) throw new UsageError(`query: longer than ${MAX_LENGTH} characters`, 'for long lists of IDs, build an itemized set from a file');
  return new Parser(text, tokenize(text)).parse();
}

// ---------------------------------------------------------------- SQL

export interface CompiledQuery {
  /** A boolean SQL expression over the table `users`; every value is a `?` parameter. */
  sql: string;
  params: (string | number)[];
}

/**
 * Compiles a query to a parameterized WHERE expression over `users`. Relative dates are
 * resolved against `now`, so a logical set evaluated tomorrow sees tomorrow's `today`.
 */
export function compileQuery(text: string, now: Date = new Date()): CompiledQuery {
  const params: (string | number)[] = [];
  const today = todayOf(now);
  const sql = compileNode(parseQuery(text), params, today);
  if (params.length > MAX_PARAMS) throw new UsageError(`query: more than ${MAX_PARAMS} values`, 'for long lists of IDs, build an itemized set from a file');
  return { sql, params };
}

function compileNode(n: QueryNode, params: (string | number)[], today: string): string {
  switch (n.kind) {
    case 'and':
    case 'or':
      return `(${compileNode(n.left, params, today)} ${n.kind.toUpperCase()} ${compileNode(n.right, params, today)})`;
    case 'not':
      // Two-valued: a user with no expiry date is NOT (expiry_date < today), as people read it.
      return `((${compileNode(n.expr, params, today)}) IS NOT TRUE)`;
    case 'compare':
      if (n.op === '!=') return `((${compare(n.field, '=', n.value, params, today)}) IS NOT TRUE)`;
      return compare(n.field, n.op, n.value, params, today);
    case 'in': {
      let inner: string;
      if (n.field.list) {
        inner = listExists(n.field, `(${n.values.map((v) => listEquals(n.field, v, params, today)).join(' OR ')})`, params, today);
      } else {
        const c = caseless(n.field, n.values.map((v) => valueOf(v, today)));
        params.push(...c.values);
        inner = `${c.sql} IN (${c.values.map(() => '?').join(', ')})`;
      }
      return n.negated ? `((${inner}) IS NOT TRUE)` : inner;
    }
    case 'contains': {
      const text = (n.value as { text: string }).text;
      // lower() folds A-Z only: enough for an ASCII needle, which cannot match other letters.
      const cond = ASCII.test(text) ? `instr(lower(${n.field.sql}), lower(?)) > 0` : `instr(unicode_lower(${n.field.sql}), ?) > 0`;
      params.push(ASCII.test(text) ? text : text.toLowerCase());
      return n.field.list ? listExists(n.field, cond, params, today) : cond;
    }
    case 'empty': {
      const inner = n.field.list
        ? `NOT ${listExists(n.field, '1', params, today)}`
        : `(${n.field.sql} IS NULL OR ${n.field.sql} = '')`;
      return n.negated ? `(NOT ${inner})` : inner;
    }
  }
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * A field's side of a comparison with these values, and the values as bound. Names,
 * e-mails and identifiers ignore case. SQLite's NOCASE folds A-Z only; for values in ASCII
 * that gives what Unicode lower case gives (no other letter lowers to ASCII but the Kelvin
 * sign) and keeps SQLite on the index of last_name, so ASCII values use it. Values with
 * other letters (MÜLLER, Ørsted) compare both sides in Unicode lower case, through
 * unicode_lower (store/sql-functions.ts), which reads every row. primary_id keeps its
 * column's NOCASE, as every other match of primary IDs does (ID files, the unique check).
 */
function caseless(f: FieldDef, values: (string | number)[]): { sql: string; values: (string | number)[] } {
  if (!f.nocase) return { sql: f.sql, values };
  if (values.every((v) => typeof v !== 'string' || ASCII.test(v))) return { sql: `${f.sql} COLLATE NOCASE`, values };
  return { sql: `unicode_lower(${f.sql})`, values: values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) };
}

function valueOf(v: Value, today: string): string | number {
  switch (v.kind) {
    case 'string': return v.text;
    case 'date': return v.date;
    case 'today': return v.amount === 0 ? today : addToDate(today, v.amount, v.unit);
    case 'boolean': return v.value ? 1 : 0;
  }
}

function compare(f: FieldDef, op: CompareOp, v: Value, params: (string | number)[], today: string): string {
  if (f.list) return listExists(f, listEquals(f, v, params, today), params, today);
  const c = caseless(f, [valueOf(v, today)]);
  params.push(...c.values);
  return `${c.sql} ${op} ?`;
}

/** One list element equal to a value; a role value may carry a scope ("license-viewer@MAIN"). */
function listEquals(f: FieldDef, v: Value, params: (string | number)[], today: string): string {
  const text = String(valueOf(v, today));
  const at = f.scoped ? text.lastIndexOf('@') : -1;
  if (at > 0) {
    params.push(text.slice(0, at), text.slice(at + 1));
    return `(${f.sql} = ? AND e.value->>'scope' = ?)`;
  }
  const c = caseless(f, [text]);
  params.push(...c.values);
  return `${c.sql} = ?`;
}

/**
 * "Some element of the user's list satisfies cond". Roles and blocks count only while
 * active and unexpired: a user whose role has expired no longer holds it.
 */
function listExists(f: FieldDef, cond: string, params: (string | number)[], today: string): string {
  const { column, active } = f.list!;
  let where = cond;
  if (active) {
    // cond's parameters are already pushed; today's follows them, matching the order below.
    where = `${cond} AND e.value->>'status' = 'ACTIVE' AND (e.value->>'expiry_date' IS NULL OR e.value->>'expiry_date' >= ?)`;
    params.push(today);
  }
  return `EXISTS (SELECT 1 FROM json_each(users.${column}) AS e WHERE ${where})`;
}

/** The code values a query names, with their tables, so `set create` can warn about typos. */
export function codeReferences(node: QueryNode): { table: CodeTable; field: string; value: string }[] {
  const out: { table: CodeTable; field: string; value: string }[] = [];
  const visit = (n: QueryNode): void => {
    if (n.kind === 'and' || n.kind === 'or') {
      visit(n.left);
      visit(n.right);
    } else if (n.kind === 'not') visit(n.expr);
    else if ((n.kind === 'compare' || n.kind === 'in') && n.field.codeTable) {
      for (const v of n.kind === 'compare' ? [n.value] : n.values) {
        if (v.kind !== 'string') continue;
        const text = n.field.scoped && v.text.lastIndexOf('@') > 0 ? v.text.slice(0, v.text.lastIndexOf('@')) : v.text;
        out.push({ table: n.field.codeTable, field: n.field.name, value: text });
      }
    }
  };
  visit(node);
  return out;
}
