import type { Db } from './db.js';

/**
 * The staging tables of an Add Members to Set load: the IDs of a file go into a temporary
 * table and are resolved against users with joins, never one query per ID.
 */

export interface StagedLine {
  line: number;
  id: string;
  cell?: string | undefined;
  numeric?: boolean | undefined;
}

export interface UnmatchedLine {
  line: number;
  id: string;
  cell: string | null;
}

export interface NumericLine {
  line: number;
  id: string;
  cell: string | null;
  /** The user the number matched as written, if any. */
  matched: string | null;
}

/** Staged lines a statement (four values each, well under SQLite's limit of bound values). */
const ROWS = 250;

/**
 * One Add Members to Set load on one connection. Staged IDs are unique whatever their
 * case (the first line wins; later ones are duplicates). `resolve` matches them against
 * primary_id or an identifier type, and everything after reads the resolved table.
 */
export class MemberStaging {
  private readonly insertRows;
  private readonly insertOne;

  constructor(private readonly db: Db) {
    db.exec(`
      DROP TABLE IF EXISTS temp.load_ids;
      DROP TABLE IF EXISTS temp.load_match;
      DROP TABLE IF EXISTS temp.load_hits;
      CREATE TEMP TABLE load_ids (
        id      TEXT NOT NULL COLLATE NOCASE PRIMARY KEY,
        line    INTEGER NOT NULL,
        cell    TEXT,
        numeric INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TEMP TABLE load_match (line INTEGER, id TEXT, cell TEXT, numeric INTEGER, user_id INTEGER, hits INTEGER);
    `);
    // A batch goes in ROWS lines a statement, their values bound as they are: not one
    // statement per ID (a million calls into SQLite were most of a large load), nor one
    // JSON array per batch (its encoding and json_each cost twice as much).
    const insert = `INSERT OR IGNORE INTO temp.load_ids (id, line, cell, numeric) VALUES`;
    this.insertRows = db.prepare(`${insert} ${Array.from({ length: ROWS }, () => '(?, ?, ?, ?)').join(', ')}`);
    this.insertOne = db.prepare(`${insert} (?, ?, ?, ?)`);
  }

  /**
   * Stages a batch of usable IDs; returns how many repeated an ID staged before. One
   * transaction a batch, of the temporary tables only: the store itself is not locked.
   */
  stage(lines: StagedLine[]): number {
    return this.db.transaction(() => this.stageRows(lines))();
  }

  private stageRows(lines: StagedLine[]): number {
    let added = 0;
    let i = 0;
    for (; i + ROWS <= lines.length; i += ROWS) {
      const params: (string | number | null)[] = [];
      for (let j = i; j < i + ROWS; j++) {
        const l = lines[j]!;
        params.push(l.id, l.line, l.cell ?? null, l.numeric ? 1 : 0);
      }
      added += this.insertRows.run(params).changes;
    }
    for (; i < lines.length; i++) {
      const l = lines[i]!;
      added += this.insertOne.run(l.id, l.line, l.cell ?? null, l.numeric ? 1 : 0).changes;
    }
    return lines.length - added;
  }

  /**
   * Matches the staged IDs: on primary_id through its index, or on the values of one
   * identifier type (one pass over users, each identifier looked up in the staged IDs).
   */
  resolve(identifierType?: string): void {
    if (identifierType === undefined) {
      this.db.exec(`INSERT INTO temp.load_match
        SELECT l.line, l.id, l.cell, l.numeric, u.id, u.id IS NOT NULL
        FROM temp.load_ids l LEFT JOIN main.users u ON u.primary_id = l.id`);
      return;
    }
    // CROSS JOIN fixes the loop order: users outside, the staged IDs looked up by key.
    this.db.prepare(`CREATE TEMP TABLE load_hits AS
      SELECT l.line, u.id AS user_id
      FROM main.users u CROSS JOIN json_each(u.identifiers) e CROSS JOIN temp.load_ids l
      WHERE e.value->>'type' = ? AND l.id = e.value->>'value'`).run(identifierType);
    this.db.exec(`INSERT INTO temp.load_match
      SELECT l.line, l.id, l.cell, l.numeric, h.user_id, coalesce(h.hits, 0)
      FROM temp.load_ids l LEFT JOIN
        (SELECT line, min(user_id) AS user_id, count(DISTINCT user_id) AS hits FROM temp.load_hits GROUP BY line) h
        ON h.line = l.line`);
  }

  /** What resolving found, in one pass, so that the lists below are read only when not empty. */
  summary(): { notFound: number; matched: number; ambiguous: number; numeric: number; digits: number } {
    return this.db.prepare<[], { notFound: number; matched: number; ambiguous: number; numeric: number; digits: number }>(`SELECT
        count(*) FILTER (WHERE hits = 0) AS notFound,
        count(*) FILTER (WHERE hits = 1) AS matched,
        count(*) FILTER (WHERE hits > 1) AS ambiguous,
        count(*) FILTER (WHERE numeric = 1) AS numeric,
        count(*) FILTER (WHERE (numeric = 1 OR hits = 0) AND id <> '' AND id NOT GLOB '*[^0-9]*') AS digits
      FROM temp.load_match`).get()!;
  }

  notFound(): UnmatchedLine[] {
    return this.db.prepare<[], UnmatchedLine>('SELECT line, id, cell FROM temp.load_match WHERE hits = 0 ORDER BY line').all();
  }

  /** Lines whose identifier is held by more than one user. */
  ambiguous(): (UnmatchedLine & { hits: number })[] {
    return this.db.prepare<[], UnmatchedLine & { hits: number }>('SELECT line, id, cell, hits FROM temp.load_match WHERE hits > 1 ORDER BY line').all();
  }

  numericCells(): NumericLine[] {
    return this.db.prepare<[], NumericLine>(`SELECT m.line, m.id, m.cell, CASE WHEN m.hits = 1 THEN u.primary_id END AS matched
      FROM temp.load_match m LEFT JOIN main.users u ON u.id = m.user_id WHERE m.numeric = 1 ORDER BY m.line`).all();
  }

  /**
   * For digit-only IDs that matched no one, and for number cells: the primary IDs (or
   * identifier values) equal to them once leading zeros are put back. One pass over users.
   */
  zeroPadded(identifierType?: string): Map<number, string[]> {
    const out = new Map<number, string[]>();
    this.db.exec(`DROP TABLE IF EXISTS temp.load_digits;
      CREATE TEMP TABLE load_digits AS SELECT line, id, ltrim(id, '0') AS bare FROM temp.load_match
        WHERE (numeric = 1 OR hits = 0) AND id <> '' AND id NOT GLOB '*[^0-9]*';
      CREATE INDEX temp.load_digits_bare ON load_digits (bare);`);
    const values = identifierType === undefined
      ? 'SELECT primary_id AS v FROM main.users'
      : "SELECT e.value->>'value' AS v FROM main.users u CROSS JOIN json_each(u.identifiers) e WHERE e.value->>'type' = ?";
    const rows = this.db.prepare<unknown[], { line: number; v: string }>(
      `SELECT d.line, x.v FROM (${values}) x CROSS JOIN temp.load_digits d
       WHERE x.v GLOB '0*' AND d.bare = ltrim(x.v, '0') AND x.v <> d.id ORDER BY d.line, x.v`,
    ).all(...(identifierType === undefined ? [] : [identifierType]));
    for (const r of rows) {
      const list = out.get(r.line) ?? [];
      list.push(r.v);
      out.set(r.line, list);
    }
    this.db.exec('DROP TABLE temp.load_digits');
    return out;
  }

  /** Distinct matched users already in the set. */
  alreadyIn(setId: string): number {
    return this.db.prepare(`SELECT count(DISTINCT m.user_id) FROM temp.load_match m
      JOIN main.set_members s ON s.set_id = ? AND s.user_id = m.user_id WHERE m.hits = 1`).pluck().get(setId) as number;
  }

  distinctUsers(): number {
    return this.db.prepare('SELECT count(DISTINCT user_id) FROM temp.load_match WHERE hits = 1').pluck().get() as number;
  }

  /** Adds the matched users; returns how many were not members before. */
  addTo(setId: string): number {
    return this.db.prepare(`INSERT OR IGNORE INTO main.set_members (set_id, user_id)
      SELECT ?, user_id FROM temp.load_match WHERE hits = 1`).run(setId).changes;
  }

  /** Removes the matched users; returns how many were members. */
  removeFrom(setId: string): number {
    return this.db.prepare(`DELETE FROM main.set_members WHERE set_id = ?
      AND user_id IN (SELECT user_id FROM temp.load_match WHERE hits = 1)`).run(setId).changes;
  }

  drop(): void {
    this.db.exec('DROP TABLE IF EXISTS temp.load_ids; DROP TABLE IF EXISTS temp.load_match; DROP TABLE IF EXISTS temp.load_hits;');
  }
}
