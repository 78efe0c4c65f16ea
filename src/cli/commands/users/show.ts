import type { CodeBook, CodeTable } from '../../../domain/codes.js';
import { fullName, type StoredUser } from '../../../domain/user-fields.js';
import type { CommandDef } from '../../command.js';
import type { Section } from '../../output.js';

/** alma-users users show <id> */
export const show: CommandDef = {
  define: (users) =>
    users
      .command('show <id>')
      .description('one user in detail; --format json gives the Alma REST user object')
      .addHelpText('after', '\nExample:\n  alma-users users show 0012345 --format json'),

  async run(ctx, [id]) {
    const app = await import('../../../app/users-show.js');
    const { user, codes, alma } = app.showUser(ctx.store(), id ?? '');
    return { output: { kind: 'report', json: alma, sections: sections(user, codes) } };
  },
};

function coded(codes: CodeBook, table: CodeTable, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = codes.get(table, value)?.description;
  return d && d !== value ? `${value} (${d})` : value;
}

function yes(v: boolean): string {
  return v ? 'yes' : 'no';
}

function sections(u: StoredUser, codes: CodeBook): Section[] {
  const preferred = [u.pref_first_name, u.pref_middle_name, u.pref_last_name, u.pref_name_suffix].filter(Boolean).join(' ');
  const table = (title: string, columns: [string, string][], rows: Record<string, unknown>[]): Section => ({
    title, kind: 'table', columns: columns.map(([key, header]) => ({ key, header })), rows,
  });
  return [
    {
      title: 'Identity',
      kind: 'fields',
      fields: [
        ['Primary ID', u.primary_id],
        ['Name', fullName(u)],
        ['Preferred name', preferred],
        ['Title', coded(codes, 'user_title', u.user_title)],
        ['Gender', u.gender],
        ['Birth date', u.birth_date],
        ['Record type', u.record_type],
        ['Account type', u.account_type],
        ['External ID', u.external_id],
        ['User group', coded(codes, 'user_group', u.user_group)],
        ['Job category', coded(codes, 'job_category', u.job_category)],
        ['Job description', u.job_description],
        ['Campus', coded(codes, 'campus', u.campus_code)],
        ['Preferred language', u.preferred_language],
        ['Cataloger level', coded(codes, 'cataloger_level', u.cataloger_level)],
      ],
    },
    {
      title: 'Status and dates',
      kind: 'fields',
      fields: [
        ['Status', u.status],
        ['Status date', u.status_date],
        ['Expiry date', u.expiry_date],
        ['Purge date', u.purge_date],
        ['Password', u.password_hash ? 'set' : 'not set'],
        ['Force password change', yes(u.force_password_change)],
        ['Created', `${u.created_at} by ${u.created_by}`],
        ['Updated', `${u.updated_at} by ${u.updated_by}`],
      ],
    },
    table('E-mail addresses', [['address', 'Address'], ['types', 'Types'], ['preferred', 'Preferred'], ['segment', 'Segment'], ['description', 'Description']],
      u.emails.map((e) => ({ ...e, preferred: yes(e.preferred) }))),
    table('Phones', [['number', 'Number'], ['types', 'Types'], ['preferred', 'Preferred'], ['preferred_sms', 'SMS'], ['segment', 'Segment']],
      u.phones.map((p) => ({ ...p, preferred: yes(p.preferred), preferred_sms: yes(p.preferred_sms) }))),
    table('Addresses', [['address', 'Address'], ['types', 'Types'], ['preferred', 'Preferred'], ['dates', 'Valid'], ['segment', 'Segment']],
      u.addresses.map((a) => ({
        address: [a.line1, a.line2, a.line3, a.line4, a.line5, [a.postal_code, a.city].filter(Boolean).join(' '), a.state_province, a.country]
          .filter(Boolean).join(', '),
        types: a.types, preferred: yes(a.preferred), segment: a.segment,
        dates: a.start_date || a.end_date ? `${a.start_date ?? ''}..${a.end_date ?? ''}` : '',
      }))),
    table('Roles', [['role', 'Role'], ['scope', 'Scope'], ['status', 'Status'], ['expiry_date', 'Expiry'], ['parameters', 'Parameters']],
      u.roles.map((r) => ({
        role: coded(codes, 'role', r.role), scope: coded(codes, 'library', r.scope), status: r.status, expiry_date: r.expiry_date,
        parameters: r.parameters.map((p) => `${p.type}=${p.value}${p.scope ? `@${p.scope}` : ''}`),
      }))),
    table('Blocks', [['description', 'Block'], ['type', 'Type'], ['status', 'Status'], ['expiry_date', 'Expiry'], ['note', 'Note'], ['segment', 'Segment']],
      u.blocks.map((b) => ({ ...b, description: coded(codes, 'block_description', b.description) }))),
    table('Notes', [['type', 'Type'], ['text', 'Text'], ['user_viewable', 'User viewable'], ['popup', 'Pop-up'], ['created', 'Created'], ['segment', 'Segment']],
      u.notes.map((n) => ({ ...n, user_viewable: yes(n.user_viewable), popup: yes(n.popup) }))),
    table('Statistics', [['category', 'Category'], ['type', 'Type'], ['note', 'Note'], ['segment', 'Segment']],
      u.statistics.map((s) => ({ ...s, category: coded(codes, 'statistic_category', s.category) }))),
    table('Identifiers', [['type', 'Type'], ['value', 'Value'], ['status', 'Status'], ['segment', 'Segment'], ['note', 'Note']],
      u.identifiers.map((x) => ({ ...x, type: coded(codes, 'identifier_type', x.type) }))),
    table('Resource-sharing libraries', [['code', 'Library']], u.rs_libraries.map((l) => ({ code: coded(codes, 'rs_library', l) }))),
  ];
}
