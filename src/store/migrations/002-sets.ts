/** User sets: itemized (a stored member list) and logical (a saved query evaluated on use). */
export const sql = `
CREATE TABLE sets (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('ITEMIZED','LOGICAL')),
  description TEXT,
  query       TEXT,
  owner       TEXT NOT NULL,
  public      INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  CHECK ((kind = 'LOGICAL') = (query IS NOT NULL))
) STRICT;

CREATE TABLE set_members (
  set_id  TEXT NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (set_id, user_id)
) STRICT, WITHOUT ROWID;
`;
