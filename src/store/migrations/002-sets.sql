-- User sets: itemized (a stored member list) and logical (a saved query evaluated on use).
-- Names are unique whatever their case, as Alma's are; the id is stable across renames.

CREATE TABLE sets (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('ITEMIZED','LOGICAL')),
  description TEXT,
  query       TEXT,
  -- the operator who created it (a primary_id); private sets are visible to them alone
  owner       TEXT NOT NULL COLLATE NOCASE,
  public      INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  -- the operator who last changed it: its owner, or a User Administrator
  updated_by  TEXT NOT NULL,
  CHECK ((kind = 'LOGICAL') = (query IS NOT NULL))
) STRICT;

CREATE TABLE set_members (
  set_id  TEXT NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (set_id, user_id)
) STRICT, WITHOUT ROWID;
-- Deleting a user removes it from every set; without this index each deletion scans all members.
CREATE INDEX set_members_user ON set_members (user_id);
