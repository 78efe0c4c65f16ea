-- Users and code tables. A user's scalar fields are columns (queried, indexed, listed); its
-- repeating parts (identifiers, contact info, roles, blocks, notes, statistics,
-- resource-sharing libraries) are JSON arrays in one column each, because a user is read
-- and written whole and the queries that look inside them use json_each.

CREATE TABLE config (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE codes (
  code_table  TEXT NOT NULL,
  code        TEXT NOT NULL,
  description TEXT,
  -- per-table attributes, e.g. a role's Alma code and whether it needs parameters
  attrs       TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (code_table, code)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
  id                    INTEGER PRIMARY KEY,
  -- Alma matches primary IDs case-insensitively; the value is kept exactly as written
  primary_id            TEXT NOT NULL COLLATE NOCASE UNIQUE,
  record_type           TEXT NOT NULL CHECK (record_type IN ('PUBLIC','STAFF','CONTACT')),
  account_type          TEXT NOT NULL CHECK (account_type IN ('INTERNAL','EXTERNAL')),
  external_id           TEXT,
  first_name            TEXT,
  middle_name           TEXT,
  last_name             TEXT,
  pref_first_name       TEXT,
  pref_middle_name      TEXT,
  pref_last_name        TEXT,
  pref_name_suffix      TEXT,
  user_title            TEXT,
  gender                TEXT,
  birth_date            TEXT,
  user_group            TEXT,
  job_category          TEXT,
  job_description       TEXT,
  campus_code           TEXT,
  preferred_language    TEXT,
  cataloger_level       TEXT,
  status                TEXT NOT NULL CHECK (status IN ('ACTIVE','INACTIVE')),
  status_date           TEXT,
  expiry_date           TEXT,
  purge_date            TEXT,
  password_hash         TEXT,
  force_password_change INTEGER NOT NULL DEFAULT 0,
  identifiers           TEXT NOT NULL DEFAULT '[]',
  emails                TEXT NOT NULL DEFAULT '[]',
  phones                TEXT NOT NULL DEFAULT '[]',
  addresses             TEXT NOT NULL DEFAULT '[]',
  roles                 TEXT NOT NULL DEFAULT '[]',
  blocks                TEXT NOT NULL DEFAULT '[]',
  notes                 TEXT NOT NULL DEFAULT '[]',
  statistics            TEXT NOT NULL DEFAULT '[]',
  rs_libraries          TEXT NOT NULL DEFAULT '[]',
  created_at            TEXT NOT NULL,
  created_by            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  updated_by            TEXT NOT NULL
) STRICT;

CREATE INDEX users_user_group   ON users (user_group);
CREATE INDEX users_job_category ON users (job_category);
CREATE INDEX users_last_name    ON users (last_name COLLATE NOCASE);
