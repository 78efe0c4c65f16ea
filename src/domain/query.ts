import type { CodeTable } from './codes.js';
import { addToDate, isIsoDate, type DateUnit } from './dates.js';
import { UsageError } from './errors.js';
import { QUERY_FIELDS, splitScope, type FieldDef } from './query-fields.js';
import { describe, queryError, tokenize, type Token } from './query-tokens.js';

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
 * A query is parsed and checked against the fields' types (query-fields.ts) before
 * anything runs; the store compiles the tree to a parameterized WHERE expression
 * (store/query-sql.ts), so no text of the query reaches SQL.
 */

/** Queries come from people; this bounds what a pasted file could make the parser and SQLite do. */
const MAX_LENGTH = 20_000;
const MAX_DEPTH = 100;
/** SQLite refuses expressions deeper than 1000; each AND/OR adds a level. */
const MAX_CONDITIONS = 400;

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

type StringValue = { kind: 'string'; text: string; pos: number; end: number };

export type Value =
  | StringValue
  | { kind: 'date'; date: string; pos: number; end: number }
  | { kind: 'today'; amount: number; unit: DateUnit; pos: number; end: number }
  | { kind: 'boolean'; value: boolean; pos: number; end: number };

export type QueryNode =
  | { kind: 'and' | 'or'; left: QueryNode; right: QueryNode }
  | { kind: 'not'; expr: QueryNode }
  | { kind: 'compare'; field: FieldDef; op: CompareOp; value: Value }
  | { kind: 'in'; field: FieldDef; negated: boolean; values: Value[] }
  | { kind: 'contains'; field: FieldDef; value: StringValue }
  | { kind: 'empty'; field: FieldDef; negated: boolean };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'is', 'empty', 'today', 'true', 'false']);

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


/** A value as compared: a relative date resolved against `today` (YYYY-MM-DD), a boolean as 1 or 0. */
export function resolveValue(v: Value, today: string): string | number {
  switch (v.kind) {
    case 'string': return v.text;
    case 'date': return v.date;
    case 'today': return v.amount === 0 ? today : addToDate(today, v.amount, v.unit);
    case 'boolean': return v.value ? 1 : 0;
  }
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
        out.push({ table: n.field.codeTable, field: n.field.name, value: splitScope(n.field, v.text).value });
      }
    }
  };
  visit(node);
  return out;
}
