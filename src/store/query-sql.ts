import { today as todayOf } from '../domain/dates.js';
import { UsageError } from '../domain/errors.js';
import { parseQuery, resolveValue, type CompareOp, type QueryNode, type Value } from '../domain/query.js';
import { splitScope, type FieldDef } from '../domain/query-fields.js';

/**
 * A parsed query (domain/query.ts) as a parameterized WHERE expression over `users`.
 * Column names and JSON keys come from the fixed field table (domain/query-fields.ts) and
 * every value is a bound parameter, so no text of the query reaches SQL.
 */

export interface CompiledQuery {
  /** A boolean SQL expression over the table `users`; every value is a `?` parameter. */
  sql: string;
  params: (string | number)[];
}

/** SQLite binds at most 32,766 parameters to a statement; this leaves room for the rest of it. */
const MAX_PARAMS = 30_000;

/**
 * Compiles a query (its text, or the tree parseQuery made of it). Relative dates are
 * resolved against `now`, so a logical set evaluated tomorrow sees tomorrow's `today`.
 */
export function compileQuery(query: string | QueryNode, now: Date = new Date()): CompiledQuery {
  const tree = typeof query === 'string' ? parseQuery(query) : query;
  const c = new Compiler(todayOf(now));
  const sql = c.node(tree);
  if (c.params.length > MAX_PARAMS) throw new UsageError(`query: more than ${MAX_PARAMS} values`, 'for long lists of IDs, build an itemized set from a file');
  return { sql, params: c.params };
}

const ASCII = /^[\x00-\x7f]*$/;

/** The SQL of the value a field compares: a column of users, or the key of a list entry `e`. */
function sqlOf(f: FieldDef): string {
  return f.list ? `e.value->>'${f.list.key}'` : `users.${f.name}`;
}

/** Two-valued negation: a user with no expiry date is NOT (expiry_date < today), as people read it. */
function isNotTrue(sql: string): string {
  return `((${sql}) IS NOT TRUE)`;
}

class Compiler {
  readonly params: (string | number)[] = [];

  constructor(private readonly today: string) {}

  node(n: QueryNode): string {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${this.node(n.left)} ${n.kind.toUpperCase()} ${this.node(n.right)})`;
      case 'not':
        return isNotTrue(this.node(n.expr));
      case 'compare':
        return n.op === '!=' ? isNotTrue(this.compare(n.field, '=', n.value)) : this.compare(n.field, n.op, n.value);
      case 'in': {
        let inner: string;
        if (n.field.list) {
          inner = this.listExists(n.field, `(${n.values.map((v) => this.listEquals(n.field, v)).join(' OR ')})`);
        } else {
          const c = caseless(n.field, n.values.map((v) => resolveValue(v, this.today)));
          this.params.push(...c.values);
          inner = `${c.sql} IN (${c.values.map(() => '?').join(', ')})`;
        }
        return n.negated ? isNotTrue(inner) : inner;
      }
      case 'contains': {
        const text = n.value.text;
        const sql = sqlOf(n.field);
        // lower() folds A-Z only: enough for an ASCII needle, which cannot match other letters.
        const cond = ASCII.test(text) ? `instr(lower(${sql}), lower(?)) > 0` : `instr(unicode_lower(${sql}), ?) > 0`;
        this.params.push(ASCII.test(text) ? text : text.toLowerCase());
        return n.field.list ? this.listExists(n.field, cond) : cond;
      }
      case 'empty': {
        const sql = sqlOf(n.field);
        const inner = n.field.list ? `NOT ${this.listExists(n.field, '1')}` : `(${sql} IS NULL OR ${sql} = '')`;
        return n.negated ? `(NOT ${inner})` : inner;
      }
    }
  }

  private compare(f: FieldDef, op: CompareOp, v: Value): string {
    if (f.list) return this.listExists(f, this.listEquals(f, v));
    const c = caseless(f, [resolveValue(v, this.today)]);
    this.params.push(...c.values);
    return `${c.sql} ${op} ?`;
  }

  /** One list entry equal to a value; a role value may carry a scope ("license-viewer@MAIN"). */
  private listEquals(f: FieldDef, v: Value): string {
    const { value, scope } = splitScope(f, String(resolveValue(v, this.today)));
    if (scope !== undefined) {
      this.params.push(value, scope);
      return `(${sqlOf(f)} = ? AND e.value->>'scope' = ?)`;
    }
    const c = caseless(f, [value]);
    this.params.push(...c.values);
    return `${c.sql} = ?`;
  }

  /** "Some entry of the user's list satisfies cond"; of roles and blocks, only active, unexpired ones. */
  private listExists(f: FieldDef, cond: string): string {
    const { of, active } = f.list!;
    let where = cond;
    if (active) {
      // cond's parameters are already pushed; today's follows them, matching the order below.
      where = `${cond} AND e.value->>'status' = 'ACTIVE' AND (e.value->>'expiry_date' IS NULL OR e.value->>'expiry_date' >= ?)`;
      this.params.push(this.today);
    }
    return `EXISTS (SELECT 1 FROM json_each(users.${of}) AS e WHERE ${where})`;
  }
}

/**
 * A field's side of a comparison with these values, and the values as bound. Names,
 * e-mails and identifiers ignore case. SQLite's NOCASE folds A-Z only; for values in ASCII
 * that gives what Unicode lower case gives (no other letter lowers to ASCII but the Kelvin
 * sign) and keeps SQLite on the index of last_name, so ASCII values use it. Values with
 * other letters (MÜLLER, Ørsted) compare both sides in Unicode lower case, through
 * unicode_lower (sql-functions.ts), which reads every row. primary_id keeps its column's
 * NOCASE, as every other match of primary IDs does (ID files, the unique check); a COLLATE
 * here would keep SQLite off its index.
 */
function caseless(f: FieldDef, values: (string | number)[]): { sql: string; values: (string | number)[] } {
  const sql = sqlOf(f);
  if (!f.nocase) return { sql, values };
  if (values.every((v) => typeof v !== 'string' || ASCII.test(v))) return { sql: `${sql} COLLATE NOCASE`, values };
  return { sql: `unicode_lower(${sql})`, values: values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) };
}
