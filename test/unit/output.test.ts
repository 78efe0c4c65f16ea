import { describe, expect, it } from 'vitest';
import { render, type ListOutput, type ReportOutput } from '../../src/cli/output.js';
import { Capture } from '../helpers/cli.js';

const columns = [{ key: 'id', header: 'ID' }, { key: 'name', header: 'Name' }, { key: 'roles', header: 'Roles' }];
const rows = [
  { id: '0012345', name: 'Ada Lovelace', roles: ['patron', 'cataloger'], extra: 1 },
  { id: '0012346', name: null, roles: [], extra: 2 },
];
const list: ListOutput = { kind: 'list', columns, rows };

const report: ReportOutput = {
  kind: 'report',
  json: { job: 'J1', counts: { changed: 2 } },
  sections: [
    { kind: 'fields', fields: [['job', 'J1'], ['dry run', false], ['note', undefined], ['empty', '']] },
    { title: 'Users', kind: 'table', columns: [{ key: 'id', header: 'ID' }, { key: 'outcome', header: 'Outcome' }], rows: [{ id: 'u1', outcome: 'changed' }] },
    { title: 'Nothing', kind: 'table', columns: [{ key: 'id', header: 'ID' }], rows: [] },
    { kind: 'lines', lines: ['done'] },
  ],
};

function rendered(output: ListOutput | ReportOutput, format: 'table' | 'json' | 'csv' | 'ndjson', tty = false): string {
  const out = new Capture(tty);
  render(output, format, out);
  return out.text;
}

describe('a list', () => {
  it('as JSON: an array of the rows, every key kept, one row a line', () => {
    const text = rendered(list, 'json');
    expect(JSON.parse(text)).toEqual(rows);
    expect(text.split('\n')).toHaveLength(5);
  });

  it('as JSON when empty: []', () => {
    expect(rendered({ ...list, rows: [] }, 'json')).toBe('[]\n');
  });

  it('as NDJSON: one object a line', () => {
    const lines = rendered(list, 'ndjson').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(rows);
  });

  it('as CSV: a header of keys, the columns only, lists joined with "; ", CRLF line ends', () => {
    expect(rendered(list, 'csv')).toBe('id,name,roles\r\n0012345,Ada Lovelace,"patron; cataloger"\r\n0012346,,\r\n');
  });

  it('piped: tab-separated rows with no header or borders', () => {
    expect(rendered(list, 'table')).toBe('0012345\tAda Lovelace\tpatron; cataloger\n0012346\t\t\n');
  });

  it('on a terminal: a bordered table with its header ruled off and no rules between rows', () => {
    const lines = rendered(list, 'table', true).trimEnd().split('\n');
    expect(lines[1]).toMatch(/│ ID\s+│ Name\s+│ Roles\s+│/);
    expect(lines.filter((l) => l.startsWith('├'))).toHaveLength(1);
    expect(lines).toHaveLength(6);
    expect(lines[3]).toContain('Ada Lovelace');
    expect(lines[4]).toContain('0012346');
  });

  it('streams rows it is given one by one (a generator is read once)', () => {
    function* gen() {
      yield* rows;
    }
    expect(JSON.parse(rendered({ kind: 'list', columns, rows: gen() }, 'json'))).toEqual(rows);
  });
});

describe('a report', () => {
  it('as JSON: its object, indented', () => {
    expect(rendered(report, 'json')).toBe(JSON.stringify(report.json, null, 2) + '\n');
  });

  it('as NDJSON: its object on one line', () => {
    expect(rendered(report, 'ndjson')).toBe('{"job":"J1","counts":{"changed":2}}\n');
  });

  it('piped: label<TAB>value lines, titled tables with a header line; empty values and empty tables left out', () => {
    expect(rendered(report, 'table')).toBe('job\tJ1\ndry run\tno\n\nUsers\nID\tOutcome\nu1\tchanged\n\ndone\n');
  });

  it('as CSV: fields as field,value and tables with their keys', () => {
    expect(rendered(report, 'csv')).toBe('field,value\r\njob,J1\r\ndry run,no\n\nid,outcome\r\nu1,changed\n\ndone\n');
  });

  it('on a terminal: fields and tables drawn with borders', () => {
    const text = rendered(report, 'table', true);
    expect(text).toMatch(/│ job\s+│ J1\s+│/);
    expect(text).toMatch(/Users\n┌/);
    expect(text).not.toContain('Nothing');
  });
});

describe('control characters', () => {
  const hostile = { id: 'x\u001b[31m', name: 'a\tb\r\nc', roles: ['\u0007'] };

  it('are shown as escapes on a terminal, a tab as a space', () => {
    const text = rendered({ ...list, rows: [hostile] }, 'table', true);
    expect(text).toContain('x\\x1b[31m');
    expect(text).toContain('\\x07');
    expect(text).not.toMatch(/[\u0007\u001b]/);
    expect(text).toContain('a b');
  });

  it('are shown as escapes when piped; tabs and line breaks inside a value become one space', () => {
    expect(rendered({ ...list, rows: [hostile] }, 'table')).toBe('x\\x1b[31m\ta b c\t\\x07\n');
  });

  it('in report titles, fields and lines are shown as escapes', () => {
    const text = rendered({ kind: 'report', json: {}, sections: [
      { title: 'T\u001b', kind: 'fields', fields: [['k\u0000', 'v\u009b']] },
      { kind: 'lines', lines: ['l\u007f'] },
    ] }, 'table');
    expect(text).toBe('T\\x1b\nk\\x00\tv\\x9b\n\nl\\x7f\n');
  });

  it('stay exact in JSON, NDJSON and CSV, which scripts read', () => {
    const one = { ...list, rows: [hostile] };
    expect(JSON.parse(rendered(one, 'json'))).toEqual([hostile]);
    expect(JSON.parse(rendered(one, 'ndjson'))).toEqual(hostile);
    expect(rendered(one, 'csv')).toContain('x\u001b[31m,"a\tb\r\nc",\u0007');
  });
});
