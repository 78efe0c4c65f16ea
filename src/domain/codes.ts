/**
 * Code tables: the configurable lists a user's coded fields must come from. Alma keeps
 * these in its configuration; here they live in the store and start from these defaults.
 */

export const CODE_TABLES = [
  'user_group', 'job_category', 'role', 'library', 'block_description', 'identifier_type',
  'notification_type', 'note_type', 'statistic_category', 'campus', 'user_title',
  'cataloger_level', 'rs_library',
] as const;
export type CodeTable = (typeof CODE_TABLES)[number];

export function isCodeTable(name: string): name is CodeTable {
  return (CODE_TABLES as readonly string[]).includes(name);
}

/** Attributes some tables carry. */
export interface CodeAttrs {
  /** role: Alma's numeric role_type code, where Alma has one. */
  alma_code?: string;
  /** role: Alma refuses to add it without parameters (e.g. a circulation desk). */
  needs_parameters?: boolean;
  /** role: only a User Administrator may grant or remove it, or change its holders. */
  restricted?: boolean;
}

export interface Code {
  table: CodeTable;
  code: string;
  description: string | undefined;
  attrs: CodeAttrs;
}

type Seed = readonly [code: string, description: string, attrs?: CodeAttrs];

export const DEFAULT_CODES: Record<CodeTable, readonly Seed[]> = {
  user_group: [
    ['UNDERGRAD', 'Undergraduate'], ['GRAD', 'Graduate'], ['FACULTY', 'Faculty'],
    ['STAFF', 'Staff'], ['ALUMNI', 'Alumni'],
  ],
  job_category: [
    ['Cataloger', 'Cataloger'], ['Circulation', 'Circulation'],
    ['Acquisitions', 'Acquisitions'], ['Systems', 'Systems'],
  ],
  role: [
    ['patron', 'Patron', { alma_code: '200' }],
    ['user-manager', 'User Manager', { restricted: true }],
    ['user-administrator', 'User Administrator', { restricted: true }],
    ['license-viewer', 'License Viewer'],
    ['cataloger', 'Cataloger', { alma_code: '204' }],
    ['requests-operator', 'Requests Operator'],
    ['circulation-desk-operator', 'Circulation Desk Operator', { needs_parameters: true }],
    ['general-system-administrator', 'General System Administrator', { restricted: true }],
  ],
  library: [['MAIN', 'Main Library'], ['SCIENCE', 'Science Library']],
  block_description: [['02-GLOBAL', 'Block (02)(GLOBAL)'], ['06-LOCAL', 'Block (06)(LOCAL)']],
  identifier_type: [['BARCODE', 'Barcode'], ['UNIV_ID', 'University ID']],
  notification_type: [
    ['NOTIFY_PASSWORD_CHANGE', 'Password change notification'],
    ['GENERAL_MESSAGE', 'General message'],
  ],
  // Alma's fixed list of note types.
  note_type: [
    ['ADDRESS', 'Address'], ['BARCODE', 'Barcode'], ['CIRCULATION', 'Circulation'], ['ERP', 'ERP'],
    ['GENERAL', 'General'], ['LIBRARY', 'Library'], ['OTHER', 'Other'], ['POPUP', 'Pop-up'],
    ['REGISTAR', 'Registrar'],
  ],
  statistic_category: [['GRADUATE', 'Graduate'], ['UNDERGRADUATE', 'Undergraduate'], ['RESEARCHER', 'Researcher']],
  campus: [['MAIN', 'Main Campus']],
  user_title: [['Dr', 'Dr.'], ['Mr', 'Mr.'], ['Mrs', 'Mrs.'], ['Ms', 'Ms.'], ['Mx', 'Mx.'], ['Prof', 'Prof.']],
  cataloger_level: [['00', '[00] Default Level']],
  rs_library: [['MAIN', 'Main Library']],
};

/** An in-memory snapshot of the code tables, for validating many users quickly. */
export class CodeBook {
  private readonly tables = new Map<CodeTable, Map<string, Code>>();

  constructor(codes: Iterable<Code>) {
    for (const c of codes) this.put(c);
  }

  put(c: Code): void {
    let t = this.tables.get(c.table);
    if (!t) this.tables.set(c.table, (t = new Map()));
    t.set(c.code, c);
  }

  has(table: CodeTable, code: string): boolean {
    return this.tables.get(table)?.has(code) ?? false;
  }

  get(table: CodeTable, code: string): Code | undefined {
    return this.tables.get(table)?.get(code);
  }

  codes(table: CodeTable): Code[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  /** The role whose Alma role_type code this is (files from Alma name roles by number). */
  roleByAlmaCode(almaCode: string): Code | undefined {
    return this.codes('role').find((r) => r.attrs.alma_code === almaCode);
  }

  /** "valid: A, B, C" for messages; long tables are cut with a count. */
  validList(table: CodeTable, max = 30): string {
    const all = this.codes(table).map((c) => c.code);
    if (all.length === 0) return `the ${table} table is empty`;
    const shown = all.slice(0, max).join(', ');
    return `valid: ${shown}${all.length > max ? `, … (${all.length - max} more: alma-users codes list ${table})` : ''}`;
  }
}

/** Which code table each coded field of a user comes from. */
export const USER_CODE_FIELDS = {
  user_group: 'user_group',
  job_category: 'job_category',
  campus_code: 'campus',
  user_title: 'user_title',
  cataloger_level: 'cataloger_level',
} as const satisfies Record<string, CodeTable>;
