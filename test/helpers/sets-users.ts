import { afterAll, beforeAll, expect } from 'vitest';
import { userSchema, type UserInput } from '../../src/domain/user.js';
import { openStore } from '../../src/store/db.js';
import { UserStore } from '../../src/store/users.js';
import { tempStore, type CliOptions, type CliResult } from './cli.js';

type Store = Awaited<ReturnType<typeof tempStore>>;

/**
 * Writes users into a real store through UserStore, as `users import` does, for the set
 * tests (they need users with particular IDs, identifiers and roles).
 */
export function addUsers(dbFile: string, users: UserInput[]): void {
  const db = openStore(dbFile);
  try {
    const store = new UserStore(db);
    const at = new Date().toISOString();
    db.transaction(() => {
      for (const u of users) store.insert(userSchema.parse(u), 'test', at);
    })();
  } finally {
    db.close();
  }
}

/** An operator holding User Manager only. */
export function userManager(id: string): UserInput {
  return { primary_id: id, record_type: 'STAFF', first_name: 'Uma', last_name: 'Manager', roles: [{ role: 'user-manager' }] };
}

/** A command's --format json output, as the shape the test expects (checked by the assertions that read it). */
export function jsonOf<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** The users every ID-file test reads its files against: leading zeros, barcodes, a shared barcode. */
export const FILE_USERS: UserInput[] = [
  { primary_id: '0012345', first_name: 'Ada', last_name: 'Lovelace', identifiers: [{ type: 'BARCODE', value: 'B-0001' }] },
  { primary_id: '0000777', first_name: 'Grace', last_name: 'Hopper', identifiers: [{ type: 'BARCODE', value: 'B-0002' }, { type: 'BARCODE', value: 'B-0002b' }] },
  { primary_id: 'abc', first_name: 'Alan', identifiers: [{ type: 'UNIV_ID', value: 'U1' }] },
  { primary_id: 'Zoe.Muller', first_name: 'Zoë' },
  { primary_id: 'twin1', identifiers: [{ type: 'BARCODE', value: 'SHARED' }] },
  { primary_id: 'twin2', identifiers: [{ type: 'BARCODE', value: 'SHARED' }] },
];

export interface SetStore {
  readonly dir: string;
  readonly db: string;
  run: Store['run'];
  file: Store['file'];
  /** The primary IDs of a set's members, as `set members --format json` lists them. */
  memberIds(set: string, opts?: CliOptions): Promise<string[]>;
}

/**
 * One store for the tests of a file, holding these users (and the administrator `admin`):
 * made before the file's first test, removed after its last. The set tests build on what
 * earlier tests of their file made, as a librarian's store grows.
 */
export function setStore(users: UserInput[]): SetStore {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await tempStore();
    addUsers(store.db, users);
  });
  afterAll(() => store?.cleanup());
  const get = (): Store => {
    if (!store) throw new Error('the store is made by beforeAll');
    return store;
  };
  return {
    get dir() {
      return get().dir;
    },
    get db() {
      return get().db;
    },
    run: (args, opts) => get().run(args, opts),
    file: (name, content) => get().file(name, content),
    async memberIds(set, opts = {}) {
      const r = await get().run(['set', 'members', set, '--format', 'json'], opts);
      expect(r.code, r.stderr).toBe(0);
      return jsonOf<{ primary_id: string }[]>(r).map((u) => u.primary_id);
    },
  };
}
