import { addCode } from '../store/codes.js';
import type { Db } from '../store/db.js';
import { addCodeCommand, USER_CODE_FIELDS, type CodeAttrs, type CodeBook, type CodeTable } from '../domain/codes.js';
import { codeKey, type ImportRecord } from '../domain/import-record.js';
import type { User } from '../domain/user.js';

/**
 * The codes of imported users: each value is resolved as people type it (case, separators,
 * Alma's description; CodeBook.lookup) and stored as the code table has it. A value that
 * names no code is reported with the closest codes and the command that adds it, or added
 * with --add-missing-codes; a value that could name several codes is always refused.
 */

export interface CodeAdded {
  table: CodeTable;
  code: string;
  description: string | null;
  alma_code?: string;
}

interface Missing {
  table: CodeTable;
  code: string;
  desc: string | undefined;
  /** For a role named by an unknown Alma role_type code: the slug it would get. */
  slug?: string;
}

/** The user's code fields and their tables, listed once rather than per record. */
const CODE_FIELDS = Object.entries(USER_CODE_FIELDS) as [keyof typeof USER_CODE_FIELDS, CodeTable][];

function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export class ImportCodes {
  readonly added: CodeAdded[] = [];

  constructor(
    private readonly db: Db,
    readonly book: CodeBook,
    /** `missingHint`: said after the codes a record lacks (users import: its --add-missing-codes; users sync, which adds none: nothing). */
    private readonly o: { dryRun: boolean; addMissing: boolean; missingHint?: string },
  ) {}

  /**
   * Resolves every code of `user` in place (roles scoped to the institution lose the scope:
   * they are institution-wide). Returns why the user cannot be loaded, or undefined.
   */
  check(user: User, rec: ImportRecord): string | undefined {
    const missing: Missing[] = [];
    const refused: string[] = [];
    const need = (table: CodeTable, value: string | undefined): string | undefined => {
      if (value === undefined) return undefined;
      if (this.book.has(table, value)) return value;
      const found = this.book.lookup(table, value);
      if ('found' in found) return found.found.code;
      if ('ambiguous' in found) refused.push(this.book.problem(table, value, found));
      else if (!missing.some((m) => m.table === table && m.code === value)) {
        const desc = rec.descs.get(codeKey(table, value));
        const numberedRole = table === 'role' && /^\d+$/.test(value);
        missing.push({ table, code: value, desc, ...(numberedRole ? { slug: this.newRoleSlug(value, desc) } : {}) });
      }
      return value;
    };
    for (const [field, table] of CODE_FIELDS) user[field] = need(table, user[field]);
    for (const role of user.roles) {
      role.role = need('role', role.role)!;
      if (role.scope !== undefined && this.book.isInstitution(role.scope)) delete role.scope;
      else role.scope = need('library', role.scope);
    }
    for (const x of user.identifiers) x.type = need('identifier_type', x.type)!;
    for (const b of user.blocks) b.description = need('block_description', b.description)!;
    for (const n of user.notes) n.type = need('note_type', n.type)!;
    for (const s of user.statistics) s.category = need('statistic_category', s.category)!;
    user.rs_libraries = user.rs_libraries.map((l) => need('rs_library', l)!);
    if (refused.length) return refused.join('; ');
    if (!missing.length) return undefined;
    if (!this.o.addMissing) return this.missingReason(missing);
    for (const m of missing) this.add(m);
    for (const role of user.roles) role.role = this.book.resolve('role', role.role) ?? role.role;
    return undefined;
  }

  private add(m: Missing): void {
    const description = m.desc ?? null;
    const attrs: CodeAttrs = m.slug !== undefined ? { alma_code: m.code } : {};
    const code = m.slug ?? m.code;
    if (!this.o.dryRun) addCode(this.db, m.table, code, description ?? undefined, attrs);
    this.book.put({ table: m.table, code, description: description ?? undefined, attrs });
    this.added.push({ table: m.table, code, description, ...(attrs.alma_code ? { alma_code: attrs.alma_code } : {}) });
  }

  /** The slug a role named by an unknown Alma role_type gets: from its desc, kept unique. */
  private newRoleSlug(token: string, desc: string | undefined): string {
    let s = desc ? slug(desc) : '';
    if (!s) s = `role-${slug(token) || 'unnamed'}`;
    return this.book.has('role', s) ? `${s}-${slug(token)}` : s;
  }

  private missingReason(missing: Missing[]): string {
    return (
      missing
        .map((m) => {
          if (m.slug !== undefined) {
            return `unknown role_type "${m.code}"${m.desc ? ` (${m.desc})` : ''}: add it with \`${addCodeCommand('role', m.slug, m.desc ?? m.code, m.code)}\``;
          }
          return `${this.book.problem(m.table, m.code)}: add it with \`${addCodeCommand(m.table, m.code, m.desc)}\``;
        })
        .join('; ') + (this.o.missingHint ?? ', or import with --add-missing-codes')
    );
  }
}
