import fs from 'node:fs';

/**
 * A writing command checks the store's pages first (PRAGMA quick_check, about a second per
 * gigabyte: a quarter of loading a set into a large store). The check is skipped when the
 * file is exactly as an alma-users command left it after one: same device, inode, size,
 * modification and change times (to the nanosecond), no -wal file holding changes, and
 * that check made less than a day ago. Whatever else touches the file (another program's
 * write, a copy or a restore over it, a crash that left changes in the -wal, chmod)
 * changes one of these, so the next writing command checks again. What no file time
 * records (a disk flipping bits) is caught when SQLite reads the damaged page, by
 * `alma-users doctor`, and by the check itself at least once a day, as fsck checks a
 * cleanly unmounted file system after so many days.
 */

/** How long a check vouches for a store that nothing but alma-users touched since. */
export const CHECK_VALID_MS = 24 * 60 * 60 * 1000;

interface Stamp {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
  /** When the pages were last checked, ISO 8601. */
  checkedAt: string;
}

const stampFile = (store: string) => `${store}-checked`;

function fileState(store: string): Omit<Stamp, 'checkedAt'> | undefined {
  try {
    const s = fs.statSync(store, { bigint: true });
    return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
  } catch {
    return undefined;
  }
}

/** True when the store's -wal file holds changes not yet in the store's file (a writer is at work, or one died). */
function walHoldsChanges(store: string): boolean {
  try {
    return fs.statSync(`${store}-wal`).size > 0;
  } catch {
    return false;
  }
}

/**
 * When the store's pages were last checked, if nothing but alma-users has touched the file
 * since, no -wal holds changes, and that was less than CHECK_VALID_MS before `now`;
 * otherwise undefined (the command checks them).
 */
export function checkedRecently(store: string, now: Date): string | undefined {
  let stamp: Partial<Stamp>;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile(store), 'utf8')) as Partial<Stamp>;
  } catch {
    return undefined;
  }
  const state = fileState(store);
  if (!state || walHoldsChanges(store) || typeof stamp.checkedAt !== 'string') return undefined;
  for (const k of Object.keys(state) as (keyof typeof state)[]) if (stamp[k] !== state[k]) return undefined;
  const age = now.getTime() - Date.parse(stamp.checkedAt);
  return age >= 0 && age < CHECK_VALID_MS ? stamp.checkedAt : undefined;
}

/**
 * Records, once the command has closed the store, that its file is as this command left it
 * and was checked at `checkedAt`. Only when the store is whole in its file (the last
 * connection's close moved the -wal into it); a stamp that cannot be written (a read-only
 * folder) only means the next command checks again.
 */
export function stampChecked(store: string, checkedAt: string): void {
  const state = fileState(store);
  const target = stampFile(store);
  try {
    if (!state || walHoldsChanges(store)) {
      fs.rmSync(target, { force: true });
      return;
    }
    const temp = `${target}.${process.pid}`;
    fs.writeFileSync(temp, JSON.stringify({ ...state, checkedAt } satisfies Stamp), { mode: 0o600 });
    fs.renameSync(temp, target);
  } catch {
    // Not recorded: the next writing command checks the pages again.
  }
}

/** Forgets any stamp: a store whose check failed is checked again by every command. */
export function forgetCheck(store: string): void {
  try {
    fs.rmSync(stampFile(store), { force: true });
  } catch {
    // Nothing to forget, or a read-only folder: a stale stamp no longer matches the damaged file anyway.
  }
}
