import type { StoredLabel } from '../domain/letters/labels.js';
import type { Db } from './db.js';

/** The labels `letters add-type` added, which take precedence over the label files. */
export function readStoreLabels(db: Db): StoredLabel[] {
  return db
    .prepare<[], { notification_type: string; language: string; subject: string; lines: string }>(
      'SELECT notification_type, language, subject, lines FROM letter_labels ORDER BY notification_type, language',
    )
    .all()
    // lines is written only by saveStoreLabel, from a string[].
    .map((r) => ({ ...r, lines: JSON.parse(r.lines) as string[] }));
}

/** Adds or replaces the labels of a notification type in one language; true when new. */
export function saveStoreLabel(db: Db, label: StoredLabel, by: string, at: string): boolean {
  const existed = db.prepare('SELECT 1 FROM letter_labels WHERE notification_type = ? AND language = ?')
    .get(label.notification_type, label.language) !== undefined;
  db.prepare(`INSERT INTO letter_labels (notification_type, language, subject, lines, updated_at, updated_by)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (notification_type, language)
    DO UPDATE SET subject = excluded.subject, lines = excluded.lines, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
    .run(label.notification_type, label.language, label.subject, JSON.stringify(label.lines), at, by);
  return !existed;
}
