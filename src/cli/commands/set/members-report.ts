import { LOAD_STATUS, type MembersReport } from '../../../app/sets-load.js';
import type { CommandResult } from '../../command.js';
import type { Context } from '../../context.js';
import { EXIT } from '../../exit-codes.js';
import type { Column, Section } from '../../output.js';

/** Not-found and invalid lines shown in a table; JSON always has them all. */
const SHOWN = 20;

/**
 * The Add Members to Set report of `set create --from-file`, `set add-members` and `set
 * remove-members`: a line on stderr, the warnings, the report, and its exit code (0 done,
 * 3 done with lines it could not use, 2 refused by --fail-on-invalid).
 */
export function membersResult(ctx: Context, report: MembersReport, create: boolean): CommandResult {
  const unused = report.not_found.length + report.invalid.length;
  if (report.status === LOAD_STATUS.failed) {
    ctx.warn(`--fail-on-invalid: ${unused} line(s) of ${report.file} matched no user or were not valid IDs; nothing was loaded${create ? ' and the set was not created' : ' and the set is as it was'}`);
  } else {
    const done = report.operation === 'add' ? `${report.added} added` : `${report.removed} removed`;
    ctx.info(`set ${report.set}: ${done}, ${report.members} member(s); ${report.status}`);
  }
  for (const w of report.warnings.slice(0, SHOWN)) ctx.warn(w.message);
  if (report.warnings.length > SHOWN) ctx.warn(`… and ${report.warnings.length - SHOWN} more warnings (--format json lists all)`);
  const exit = report.status === LOAD_STATUS.ok ? EXIT.ok : report.status === LOAD_STATUS.failed ? EXIT.usage : EXIT.partial;
  return { output: { kind: 'report', json: report, sections: reportSections(report) }, exit };
}

function reportSections(r: MembersReport): Section[] {
  const header = r.header.found
    ? `${r.header.text}${r.header.column && r.header.column !== r.header.text ? ` (column ${r.header.column})` : ''}`
    : 'none found: the first line was read as an ID';
  const fields: [string, unknown][] = [
    ['Set', r.set],
    ['Status', r.status],
    ['File', `${r.file} (${r.format}${r.sheet ? `, sheet ${r.sheet}` : ''})`],
    ['Header', header],
    ['Matched on', r.matched_on],
    ['Lines read', r.lines],
  ];
  if (r.blank_lines) fields.push(['Blank lines skipped', r.blank_lines]);
  if (r.operation === 'add') fields.push(['Added', r.added], ['Already in the set', r.already_member]);
  else fields.push(['Removed', r.removed], ['Not in the set', r.not_member]);
  fields.push(['Duplicates in the file', r.duplicates], ['Not found', r.not_found.length], ['Invalid', r.invalid.length]);
  if (r.warnings.length) fields.push(['Warnings', `${r.warnings.length} (on stderr)`]);
  fields.push(['Members now', r.members]);
  const sections: Section[] = [{ kind: 'fields', title: r.operation === 'add' ? 'Add Members to Set' : 'Remove Members from Set', fields }];
  const shown = (n: number, what: string) => (n > SHOWN ? `${what} (first ${SHOWN} of ${n}; --format json lists all)` : what);
  const lineCol: Column = { key: 'line', header: 'Line' };
  const cellCol: Column[] = r.format === 'xlsx' ? [{ key: 'cell', header: 'Cell' }] : [];
  if (r.not_found.length) {
    sections.push({
      kind: 'table', title: shown(r.not_found.length, 'Not found'),
      columns: [lineCol, ...cellCol, { key: 'id', header: 'ID as written' }, { key: 'hint', header: 'Note' }],
      rows: r.not_found.slice(0, SHOWN).map((l) => ({ ...l })),
    });
  }
  if (r.invalid.length) {
    sections.push({
      kind: 'table', title: shown(r.invalid.length, 'Invalid'),
      columns: [lineCol, ...cellCol, { key: 'id', header: 'ID as written' }, { key: 'reason', header: 'Reason' }],
      rows: r.invalid.slice(0, SHOWN).map((l) => ({ ...l })),
    });
  }
  return sections;
}
