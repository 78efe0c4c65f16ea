import type { CodeBook } from '../../domain/codes.js';
import type { Db } from '../../store/db.js';
import { describeIssue, userSchema, type User } from '../../domain/user.js';
import { almaUserToRecord } from '../../io/alma-user-in.js';
import { almaUser } from '../../io/alma-json-write.js';
import { ImportCodes } from '../import-codes.js';
import { recordOntoUser } from '../import-merge.js';

/**
 * Alma's JSON record and the user model, both ways, with codes resolved as `users import`
 * resolves them (an Alma role_type 200 is the role patron), so that a record pulled, a
 * record read back and a job's changes speak the same codes. Unknown codes are taken into
 * the code book in memory only: comparing records writes nothing.
 */

export type AlmaJson = Record<string, unknown>;

/** Model fields and where Alma's JSON keeps them. */
const ALMA_KEYS: Record<string, string> = {
  roles: 'user_role', blocks: 'user_block', notes: 'user_note', statistics: 'user_statistic',
  rs_libraries: 'rs_library', identifiers: 'user_identifier',
  emails: 'contact_info.email', phones: 'contact_info.phone', addresses: 'contact_info.address',
};

export class AlmaRecords {
  private readonly codes: ImportCodes;

  constructor(db: Db, book: CodeBook) {
    this.codes = new ImportCodes(db, book, { dryRun: true, addMissing: true });
  }

  /** The user a record of Alma's is; an Error naming the field when it is not one. */
  toUser(json: AlmaJson): User {
    const rec = almaUserToRecord(json, { file: 'Alma', record: 1 });
    const parsed = userSchema.safeParse(recordOntoUser(undefined, rec, undefined));
    if (!parsed.success) throw new Error(`Alma's record does not fit the user model: ${describeIssue(parsed.error)}`);
    const problem = this.codes.check(parsed.data, rec);
    if (problem) throw new Error(problem);
    return parsed.data;
  }

  /** Alma's record with `fields` as `intended` has them, everything else as Alma sent it (a swap-all PUT's body). */
  patch(current: AlmaJson, intended: User, fields: readonly string[]): AlmaJson {
    const rendered = almaUser(intended, this.codes.book);
    const out: AlmaJson = structuredClone(current);
    for (const f of fields) {
      const key = ALMA_KEYS[f] ?? f;
      if (key.startsWith('contact_info.')) {
        const sub = key.slice('contact_info.'.length);
        const contact = (rendered.contact_info ?? {}) as AlmaJson;
        out.contact_info = { ...((out.contact_info ?? {}) as AlmaJson), [sub]: contact[sub] };
      } else if (key in rendered) out[key] = rendered[key];
      else delete out[key];
    }
    return out;
  }
}
