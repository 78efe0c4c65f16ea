import { shellWord } from './shell.js';

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

/** What a code as typed names in its table: one code, several, or none (with the closest ones). */
export type CodeLookup =
  | { found: Code }
  | { ambiguous: Code[] }
  | { unknown: true; near: Code[] };

/** The scope word that names the whole institution, as a role without a scope holds it. */
export const INSTITUTION_SCOPE = 'INSTITUTION';

/**
 * How a typed code is compared: case folded, and runs of spaces, `_` and `-` as one, so
 * that "notify password change", "Notify_Password_Change" and NOTIFY_PASSWORD_CHANGE meet.
 */
function folded(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

function addTo(index: Map<string, Code[]>, key: string, c: Code): void {
  const list = index.get(key);
  if (!list) index.set(key, [c]);
  else if (!list.includes(c)) list.push(c);
}

/** Edit distance, for "did you mean": only on the error path, over short strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

interface TableIndex {
  /** Codes by their folded code, and for roles by Alma's role_type code. */
  codes: Map<string, Code[]>;
  /** Codes by their folded description. */
  descriptions: Map<string, Code[]>;
}

/**
 * An in-memory snapshot of the code tables, for validating many users quickly, and the one
 * place where a code as people type it ("staff", "Notify Password Change", "Undergraduate")
 * is resolved to the code as the table has it, or refused with the closest codes.
 */
export class CodeBook {
  private readonly tables = new Map<CodeTable, Map<string, Code>>();
  private readonly indexes = new Map<CodeTable, TableIndex>();

  /** `institution` is the configured institution code (config institution.code), if any. */
  constructor(codes: Iterable<Code>, readonly institution?: string) {
    for (const c of codes) this.put(c);
  }

  put(c: Code): void {
    let t = this.tables.get(c.table);
    if (!t) this.tables.set(c.table, (t = new Map()));
    t.set(c.code, c);
    this.indexes.delete(c.table);
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

  /**
   * The code a typed value names: the code itself; else the one code equal to it ignoring
   * case and separators (for roles, Alma's role_type code too); else the one code whose
   * description it is. Two candidates at a step make it ambiguous, never a guess.
   */
  lookup(table: CodeTable, text: string): CodeLookup {
    const t = text.trim();
    const exact = this.get(table, t);
    if (exact) return { found: exact };
    const index = this.index(table);
    const key = folded(t);
    for (const candidates of [index.codes.get(key), index.descriptions.get(key)]) {
      if (candidates?.length === 1) return { found: candidates[0]! };
      if (candidates) return { ambiguous: candidates };
    }
    return { unknown: true, near: this.near(table, key) };
  }

  /** The code as the table has it, or undefined when the value names none or several. */
  resolve(table: CodeTable, text: string): string | undefined {
    const r = this.lookup(table, text);
    return 'found' in r ? r.found.code : undefined;
  }

  /**
   * Why a value names no code, for messages everywhere (command line, files, queries):
   * `unknown role code "licence-viewer" (did you mean "license-viewer"?)`, or the codes it could mean.
   */
  problem(table: CodeTable, text: string, lookup: CodeLookup = this.lookup(table, text)): string {
    const v = JSON.stringify(text.trim());
    if ('ambiguous' in lookup) return `${table} ${v} could mean ${lookup.ambiguous.map(described).join(' or ')}; give the code`;
    const near = this.suggest(table, text, lookup);
    return `unknown ${table} code ${v}${near.length ? ` (${didYouMean(near)})` : ''}`;
  }

  /** The codes a value may have been meant as: the one it names, those it could name, or the closest. */
  suggest(table: CodeTable, text: string, lookup: CodeLookup = this.lookup(table, text)): Code[] {
    return 'found' in lookup ? [lookup.found] : 'ambiguous' in lookup ? lookup.ambiguous : lookup.near;
  }

  /** Whether a role needs parameters (a circulation desk...), which no file or bulk job gives. */
  needsParameters(role: string): boolean {
    return this.get('role', role)?.attrs.needs_parameters === true;
  }

  /** Whether a role's scope names the whole institution: INSTITUTION, or the configured institution code. */
  isInstitution(scope: string): boolean {
    const s = scope.trim().toUpperCase();
    return s === INSTITUTION_SCOPE || (this.institution !== undefined && s === this.institution.trim().toUpperCase());
  }

  /** "valid: A, B, C" for messages; long tables are cut with a count. */
  validList(table: CodeTable, max = 30): string {
    const all = this.codes(table).map((c) => c.code);
    if (all.length === 0) return `the ${table} table is empty`;
    const shown = all.slice(0, max).join(', ');
    return `valid: ${shown}${all.length > max ? `, … (${all.length - max} more: alma-users codes list ${table})` : ''}`;
  }

  private index(table: CodeTable): TableIndex {
    let index = this.indexes.get(table);
    if (index) return index;
    index = { codes: new Map(), descriptions: new Map() };
    for (const c of this.codes(table)) {
      addTo(index.codes, folded(c.code), c);
      if (c.attrs.alma_code) addTo(index.codes, folded(c.attrs.alma_code), c);
      if (c.description) addTo(index.descriptions, folded(c.description), c);
    }
    this.indexes.set(table, index);
    return index;
  }

  /** Up to three codes whose code or description is a few edits away, or which contain the value. */
  private near(table: CodeTable, key: string): Code[] {
    if (!key) return [];
    const scored: [number, Code][] = [];
    for (const c of this.codes(table)) {
      const names = [folded(c.code), ...(c.description ? [folded(c.description)] : [])];
      const score = Math.min(...names.map((n) => (key.length >= 3 && (n.includes(key) || key.includes(n)) ? 0.5 : distance(key, n))));
      if (score <= Math.min(3, Math.floor(key.length / 3) + 1)) scored.push([score, c]);
    }
    return scored.sort((a, b) => a[0] - b[0]).slice(0, 3).map(([, c]) => c);
  }
}

/** A code in a message: its code, and its description where that says more. */
function described(c: Code): string {
  const code = JSON.stringify(c.code);
  return c.description && folded(c.description) !== folded(c.code) ? `${code} (${c.description})` : code;
}

/** `did you mean "STAFF"?`, `did you mean "GRAD" (Graduate) or "UNDERGRAD" (Undergraduate)?` */
export function didYouMean(codes: readonly Code[]): string {
  return `did you mean ${codes.map(described).join(' or ')}?`;
}

/** The command that adds a code, quoted so that it runs when pasted. */
export function addCodeCommand(table: CodeTable, code: string, description?: string, almaCode?: string): string {
  return `alma-users codes add ${table} ${shellWord(code)}${description ? ` ${shellWord(description)}` : ''}${almaCode ? ` --alma-code ${shellWord(almaCode)}` : ''}`;
}

/** Which code table each coded field of a user comes from. */
export const USER_CODE_FIELDS = {
  user_group: 'user_group',
  job_category: 'job_category',
  campus_code: 'campus',
  user_title: 'user_title',
  cataloger_level: 'cataloger_level',
} as const satisfies Record<string, CodeTable>;
