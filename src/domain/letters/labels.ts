import { InputError, type SourcePosition } from '../errors.js';
import { parseJsonWithLines } from './json-lines.js';

/**
 * The labels of the letter: its wording, apart from the layout, one file per language
 * (templates/labels/en.json, de.json, ...), plus the labels a library added with
 * `letters add-type`, kept in the store, which take precedence. Reading the files and the
 * store is app/letters/load.ts; this is what their text means.
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

/** A notification type's label as `letters add-type` keeps it in the store. */
export interface StoredLabel {
  notification_type: string;
  language: string;
  subject: string;
  lines: string[];
}

/** en, de, de-ch: a file name's language, in the form preferred_language is compared in. */
export function normaliseLanguage(code: string): string {
  return code.trim().toLowerCase().replace(/_/g, '-');
}

type Path = (string | number)[];

/** Where a label file departs from its shape, in the words the messages have always used. */
class ShapeError extends Error {
  constructor(readonly path: Path, message: string) {
    super(message);
  }
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function record(v: unknown, path: Path, expected: 'object' | 'record', keys?: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(path, `Invalid input: expected ${expected}, received ${kind(v)}`);
  const o = v as Record<string, unknown>;
  const unknown = keys ? Object.keys(o).filter((k) => !keys.includes(k)) : [];
  if (unknown.length) {
    throw new ShapeError(path, `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  return o;
}

function text(v: unknown, path: Path, nonEmpty = false): string {
  if (typeof v !== 'string') throw new ShapeError(path, `Invalid input: expected string, received ${kind(v)}`);
  if (nonEmpty && v.length === 0) throw new ShapeError(path, 'Too small: expected string to have >=1 characters');
  return v;
}

interface LabelFile {
  common: Record<string, string>;
  types: Record<string, { subject: string; lines: string[] }>;
}

function shape(value: unknown): LabelFile {
  const top = record(value, [], 'object', ['common', 'types']);
  const common = record(top.common === undefined ? {} : top.common, ['common'], 'record');
  const types = record(top.types === undefined ? {} : top.types, ['types'], 'record');
  return {
    common: Object.fromEntries(Object.entries(common).map(([k, v]) => [k, text(v, ['common', k])])),
    types: Object.fromEntries(Object.entries(types).map(([code, v]) => {
      const t = record(v, ['types', code], 'object', ['subject', 'lines']);
      const subject = text(t.subject, ['types', code, 'subject'], true);
      const linesAt = ['types', code, 'lines'];
      if (t.lines !== undefined && !Array.isArray(t.lines)) throw new ShapeError(linesAt, `Invalid input: expected array, received ${kind(t.lines)}`);
      return [code, { subject, lines: ((t.lines ?? []) as unknown[]).map((l, i) => text(l, [...linesAt, i])) }];
    })),
  };
}

/**
 * A label file's text as the labels of its language: `{"common": {"greeting": "..."},
 * "types": {"CODE": {"subject": "...", "lines": ["..."]}}}`. Every label remembers its
 * line, so that a message about it names the file and line; so does a malformed file.
 */
export function parseLabelFile(source: string, file: string, language: string): LanguageLabels {
  const located = parseJsonWithLines(source, file);
  let parsed: LabelFile;
  try {
    parsed = shape(located.value);
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    throw new InputError(`${e.path.join('.') || 'labels'}: ${e.message}`, { file, line: located.lineOf(e.path) ?? located.lineOf(e.path.slice(0, -1)) },
      'a label file is {"common": {"greeting": "..."}, "types": {"CODE": {"subject": "...", "lines": ["..."]}}}');
  }
  const where = (p: Path): SourcePosition => ({ file, line: located.lineOf(p) });
  const common = new Map(Object.entries(parsed.common).map(([k, t]) => [k, { text: t, where: where(['common', k]) }]));
  const types = new Map<string, TypeLabels>();
  for (const [code, t] of Object.entries(parsed.types)) {
    types.set(code, {
      subject: { text: t.subject, where: where(['types', code, 'subject']) },
      lines: t.lines.map((l, i) => ({ text: l, where: where(['types', code, 'lines', i]) })),
    });
  }
  return { language: normaliseLanguage(language), file, common, types };
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
      lines: s.lines.map((t) => ({ text: t, where })),
    });
  }
}
