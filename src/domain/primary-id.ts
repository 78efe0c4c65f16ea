/** The longest primary ID Alma takes, in UTF-16 code units (as userSchema counts). */
export const MAX_PRIMARY_ID = 255;

/**
 * Primary IDs compared as the store compares them: the primary_id column is COLLATE NOCASE,
 * which ignores the case of A-Z only. IDs that differ in the case of another letter (Ärger,
 * ärger) belong to two users, so an owner or operator check must not take them for one.
 * Zod-free, for any layer (sets, jobs).
 */
export function samePrimaryId(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}
