import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/domain/errors.js';
import { codeReferences, parseQuery, resolveValue, type QueryNode } from '../../src/domain/query.js';
import { QUERY_FIELDS, splitScope } from '../../src/domain/query-fields.js';

/** The parser and type checks of the query language: pure, no store. */

function errorOf(text: string): UsageError {
  try {
    parseQuery(text);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no error for: ${text}`);
}

/** The caret line of an error message: the column of its first ^ and how many there are. */
function caret(e: UsageError): { at: number; width: number } {
  const lines = e.message.split('\n');
  const line = lines[2]!;
  const at = line.indexOf('^') - 2;
  return { at, width: line.trim().length };
}

/** The tree as a short string: fields, operators and values, with the grouping the parser chose. */
function shape(n: QueryNode): string {
  switch (n.kind) {
    case 'and':
    case 'or':
      return `(${shape(n.left)} ${n.kind.toUpperCase()} ${shape(n.right)})`;
    case 'not':
      return `NOT ${shape(n.expr)}`;
    case 'compare':
      return `${n.field.name} ${n.op} ${resolveValue(n.value, '2026-11-21')}`;
    case 'in':
      return `${n.field.name} ${n.negated ? 'NOT IN' : 'IN'} [${n.values.map((v) => resolveValue(v, '2026-11-21')).join(',')}]`;
    case 'contains':
      return `${n.field.name} CONTAINS ${n.value.text}`;
    case 'empty':
      return `${n.field.name} IS ${n.negated ? 'NOT ' : ''}EMPTY`;
  }
}

describe('query errors show where the query is wrong', () => {
  it('an unknown field, with the field list in the hint', () => {
    const e = errorOf('user_group = "STAFF" AND expiry < 2027-01-01');
    expect(e.message).toContain('unknown field expiry');
    expect(e.message.split('\n')[1]).toBe('  user_group = "STAFF" AND expiry < 2027-01-01');
    expect(caret(e)).toEqual({ at: 25, width: 6 });
    expect(e.hint).toContain('expiry_date');
  });

  it('a value of the wrong type', () => {
    const e = errorOf('expiry_date < "soon"');
    expect(e.message).toMatch(/expiry_date is a date; expected YYYY-MM-DD or today, found the string "soon"/);
    expect(caret(e)).toEqual({ at: 14, width: 6 });
    const bare = errorOf('user_group = FACULTY');
    expect(bare.message).toContain('bare word FACULTY');
    expect(bare.hint).toBe('quote it: "FACULTY"');
    expect(caret(bare).at).toBe(13);
    const zeros = errorOf('primary_id = 0012345');
    expect(zeros.hint).toContain('leading zeros');
    expect(errorOf('role < "x"').message).toContain('< does not apply to role');
    expect(errorOf('status = "retired"').message).toContain('status is one of ACTIVE, INACTIVE');
    expect(errorOf('force_password_change = "yes"').message).toContain('force_password_change is true or false');
    expect(errorOf('expiry_date CONTAINS "2027"').message).toContain('CONTAINS does not apply to expiry_date');
  });

  it('syntax errors: a missing ), a missing operator, trailing words, an unterminated string', () => {
    const paren = errorOf('(user_group = "STAFF" OR user_group = "GRAD"');
    expect(paren.message).toContain('expected ) to close the ( at position 1, found the end of the query');
    expect(caret(paren)).toEqual({ at: 44, width: 1 });
    const op = errorOf('user_group "STAFF"');
    expect(op.message).toMatch(/expected an operator after user_group .* found the string "STAFF"/);
    expect(caret(op).at).toBe(11);
    const trailing = errorOf('user_group = "STAFF" job_category = "Cataloger"');
    expect(trailing.message).toContain('expected AND, OR or the end of the query, found job_category');
    expect(caret(trailing)).toEqual({ at: 21, width: 12 });
    const open = errorOf('last_name = "O\'Brien');
    expect(open.message).toContain('unterminated string');
    expect(caret(open).at).toBe(12);
    expect(errorOf('').message).toContain('the query is empty');
    expect(errorOf('expiry_date < 2027-02-30').message).toContain('2027-02-30 is not a calendar date');
    expect(errorOf('expiry_date < today + 30').message).toContain('expected an amount such as 30d');
    expect(errorOf('user_group IN "STAFF"').message).toContain('expected ( after IN');
    expect(errorOf('user_group = ""').hint).toContain('user_group IS EMPTY');
  });

  it('errors are usage errors: exit 2', () => {
    expect(errorOf('nope = "x"').kind).toBe('usage');
  });

  it('refuses queries that would exceed what SQLite can prepare', () => {
    const many = Array.from({ length: 401 }, (_, i) => `primary_id = "${i}"`).join(' OR ');
    expect(errorOf(many).message).toContain('more than 400 conditions');
    expect(errorOf('('.repeat(150) + 'status = "ACTIVE"' + ')'.repeat(150)).message).toContain('nests deeper than 100');
    expect(errorOf(`primary_id IN (${'"x",'.repeat(5000)}"y")`).message).toContain('longer than 20000 characters');
  });

  it('refuses what is not the language: SQL punctuation, qualified names, comments', () => {
    expect(() => parseQuery('primary_id; DROP TABLE users = "x"')).toThrow(UsageError);
    expect(() => parseQuery('users.primary_id = "x"')).toThrow(/unexpected character "."/);
    expect(() => parseQuery('primary_id = "x" /* */')).toThrow(UsageError);
  });
});

describe('the tree a query parses to', () => {
  it('AND binds tighter than OR; NOT and parentheses', () => {
    expect(shape(parseQuery('user_group = "GRAD" OR user_group = "FACULTY" AND expiry_date > 2027-01-01')))
      .toBe('(user_group = GRAD OR (user_group = FACULTY AND expiry_date > 2027-01-01))');
    expect(shape(parseQuery('(user_group = "GRAD" OR user_group = "FACULTY") AND NOT expiry_date < 2027-01-01')))
      .toBe('((user_group = GRAD OR user_group = FACULTY) AND NOT expiry_date < 2027-01-01)');
    expect(shape(parseQuery('NOT NOT status = "active"'))).toBe('NOT NOT status = ACTIVE');
  });

  it('reads keywords and field names in any case, <> as !=, enum values in upper case, booleans as 1 and 0', () => {
    expect(shape(parseQuery('USER_GROUP in ("GRAD") and Status <> "active"'))).toBe('(user_group IN [GRAD] AND status != ACTIVE)');
    expect(shape(parseQuery('force_password_change = TRUE or force_password_change = false')))
      .toBe('(force_password_change = 1 OR force_password_change = 0)');
    expect(shape(parseQuery('role NOT IN ("a", "b@MAIN") AND email CONTAINS "x" AND block IS NOT EMPTY')))
      .toBe('((role NOT IN [a,b@MAIN] AND email CONTAINS x) AND block IS NOT EMPTY)');
  });

  it('keeps escaped quotes and text as written', () => {
    expect(shape(parseQuery(`last_name = 'O\\'Brien' OR last_name = "say \\"hi\\""`))).toBe(`(last_name = O'Brien OR last_name = say "hi")`);
  });
});

describe('relative dates', () => {
  const dateOf = (text: string, today: string) => {
    const n = parseQuery(text);
    if (n.kind !== 'compare') throw new Error(`not a comparison: ${text}`);
    return resolveValue(n.value, today);
  };

  it('resolve against the day given, with month-end clamping', () => {
    expect(dateOf('expiry_date < today', '2026-11-21')).toBe('2026-11-21');
    expect(dateOf('expiry_date < today + 30d', '2026-11-21')).toBe('2026-12-21');
    expect(dateOf('expiry_date >= today - 18m', '2026-11-21')).toBe('2025-05-21');
    expect(dateOf('expiry_date <= today+1y', '2026-11-21')).toBe('2027-11-21');
    expect(dateOf('expiry_date = "2027-01-31"', '2026-11-21')).toBe('2027-01-31');
    expect(dateOf('expiry_date < today + 3m', '2026-11-30')).toBe('2027-02-28');
  });
});

describe('code values and scopes', () => {
  it('a role value names its scope after the last @; other fields have none', () => {
    const role = QUERY_FIELDS.get('role')!;
    expect(splitScope(role, 'license-viewer@MAIN')).toEqual({ value: 'license-viewer', scope: 'MAIN' });
    expect(splitScope(role, 'a@b@SCIENCE')).toEqual({ value: 'a@b', scope: 'SCIENCE' });
    expect(splitScope(role, '@MAIN')).toEqual({ value: '@MAIN' });
    expect(splitScope(QUERY_FIELDS.get('email')!, 'ada@example.edu')).toEqual({ value: 'ada@example.edu' });
  });

  it('codeReferences lists the code values a query names, with their tables, so set create can warn of typos', () => {
    const q = parseQuery('user_group IN ("FACULTY", "staff") AND NOT (role = "cataloger@MAIN" OR block = "02-GLOBAL") AND last_name = "X" AND statistic != "GRAD"');
    expect(codeReferences(q)).toEqual([
      { table: 'user_group', field: 'user_group', value: 'FACULTY' },
      { table: 'user_group', field: 'user_group', value: 'staff' },
      { table: 'role', field: 'role', value: 'cataloger' },
      { table: 'block_description', field: 'block', value: '02-GLOBAL' },
      { table: 'statistic_category', field: 'statistic', value: 'GRAD' },
    ]);
    expect(codeReferences(parseQuery('preferred_language = "xx" AND user_group IS EMPTY'))).toEqual([]);
  });
});
