import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, type SourcePosition } from '../../domain/errors.js';
import type { Db } from '../../store/db.js';
import { parseJsonWithLines } from '../../domain/letters/json-lines.js';

/**
 * The labels of the letter: its wording, apart from the layout, one file per language
 * (templates/labels/en.json, de.json, ...), plus the labels a library added with
 * `letters add-type`, kept in the store, which take precedence.
 */

/** One label's text (itself a small Liquid template) and where it was written. */
export interface LabelText {
  text: string;
  where: SourcePosition;
}

export interface TypeLabels {
  subject: LabelText;
  lines: LabelText[];
}

export interface LanguageLabels {
  language: string;
  file: string;
  common: Map<string, LabelText>;
  types: Map<string, TypeLabels>;
}

const labelFileSchema = z.strictObject({
  common: z.record(z.string(), z.string()).default({}),
  types: z.record(z.string(), z.strictObject({ subject: z.string().min(1), lines: z.array(z.string()).default([]) })).default({}),
});

/** en, de, de-ch: a file name's language, in the form preferred_language is compared in. */
export function normaliseLanguage(code: string): string {
  return code.trim().toLowerCase().replace(/_/g, '-');
}

export async function readLabelFiles(dir: string): Promise<Map<string, LanguageLabels>> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    throw new InputError(`cannot read the label folder: ${(e as Error).message}`, { file: dir },
      'a templates folder holds letter.html.liquid, letter.txt.liquid and labels/<language>.json');
  }
  const out = new Map<string, LanguageLabels>();
  for (const name of names) {
    const file = path.join(dir, name);
    const located = parseJsonWithLines(await fs.readFile(file, 'utf8'), file);
    const parsed = labelFileSchema.safeParse(located.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const at = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      throw new InputError(`${at.join('.') || 'labels'}: ${issue.message}`, { file, line: located.lineOf(at) ?? located.lineOf(at.slice(0, -1)) },
        'a label file is {"common": {"greeting": "..."}, "types": {"CODE": {"subject": "...", "lines": ["..."]}}}');
    }
    const where = (p: (string | number)[]): SourcePosition => ({ file, line: located.lineOf(p) });
    const language = normaliseLanguage(name.slice(0, -'.json'.length));
    const common = new Map(Object.entries(parsed.data.common).map(([k, text]) => [k, { text, where: where(['common', k]) }]));
    const types = new Map<string, TypeLabels>();
    for (const [code, t] of Object.entries(parsed.data.types)) {
      types.set(code, {
        subject: { text: t.subject, where: where(['types', code, 'subject']) },
        lines: t.lines.map((text, i) => ({ text, where: where(['types', code, 'lines', i]) })),
      });
    }
    out.set(language, { language, file, common, types });
  }
  return out;
}

export interface StoredLabel {
  notification_type: string;
  language: string;
  subject: string;
  lines: string[];
}

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

/** Lays the store's labels over the files' (a language only in the store gets an entry). */
export function mergeStoreLabels(files: Map<string, LanguageLabels>, stored: StoredLabel[]): void {
  for (const s of stored) {
    const language = normaliseLanguage(s.language);
    let lang = files.get(language);
    if (!lang) files.set(language, (lang = { language, file: `the store's labels (${language})`, common: new Map(), types: new Map() }));
    const where: SourcePosition = { file: `label ${s.notification_type}/${language} in the store (letters add-type)` };
    lang.types.set(s.notification_type, {
      subject: { text: s.subject, where },
      lines: s.lines.map((text) => ({ text, where })),
    });
  }
}
