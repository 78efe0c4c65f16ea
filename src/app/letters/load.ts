import { builtInTemplatesDir } from '../package-files.js';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../domain/errors.js';
import { mergeStoreLabels, parseLabelFile, type LanguageLabels } from '../../domain/letters/labels.js';
import { LetterRenderer, type RendererParts } from '../../domain/letters/renderer.js';
import { loadCodeBook } from '../../store/codes.js';
import { readConfig } from '../../store/config.js';
import type { Db } from '../../store/db.js';
import { readStoreLabels } from '../../store/letter-labels.js';

export { LetterRenderer, SAMPLE_PASSWORD, type LetterInput, type NotificationTypeInfo, type RenderedLetter } from '../../domain/letters/renderer.js';
export { PASSWORD_TYPE, type Institution } from '../../domain/letters/variables.js';

export const HTML_LAYOUT = 'letter.html.liquid';
export const TEXT_LAYOUT = 'letter.txt.liquid';

export interface LoadOptions {
  /** A folder with the layout and labels; default: config letters.templates_dir, else the built-in one. */
  templatesDir?: string | undefined;
}

/** The files of a templates folder, read: the layouts and the label files. */
export type LetterFiles = Pick<RendererParts, 'templatesDir' | 'htmlFile' | 'htmlSource' | 'textFile' | 'textSource' | 'labels'>;

/**
 * Loads and checks the User Notifications Letter: the layout (HTML and plain text), the
 * labels of every language, the institution from the configuration, and the notification
 * types and user groups of the code tables. A syntax error, an unknown variable or a
 * missing common label is an InputError naming the file and line.
 */
export async function loadLetters(db: Db, options: LoadOptions = {}): Promise<LetterRenderer> {
  return buildLetters(db, await readLetterFiles(db, options));
}

export async function readLetterFiles(db: Db, options: LoadOptions = {}): Promise<LetterFiles> {
  const templatesDir = path.resolve(options.templatesDir ?? readConfig(db).get('letters.templates_dir') ?? builtInTemplatesDir());
  const htmlFile = path.join(templatesDir, HTML_LAYOUT);
  const textFile = path.join(templatesDir, TEXT_LAYOUT);
  const [htmlSource, textSource] = await Promise.all([readLayout(htmlFile), readLayout(textFile)]);
  const labels = await readLabelFiles(path.join(templatesDir, 'labels'));
  return { templatesDir, htmlFile, htmlSource, textFile, textSource, labels };
}

/**
 * The renderer from files already read and what the store holds now (its labels, the
 * configuration, the code tables); synchronous, so that it can check a label inside the
 * transaction that writes it. Use the files once: the store's labels are laid over them.
 */
export function buildLetters(db: Db, files: LetterFiles): LetterRenderer {
  const config = readConfig(db);
  mergeStoreLabels(files.labels, readStoreLabels(db));
  const address = config.get('institution.address') ?? null;
  return new LetterRenderer({
    ...files,
    defaultLanguage: config.get('letters.default_language') ?? 'en',
    institution: {
      name: config.get('institution.name') ?? 'The Library',
      address,
      address_lines: address ? address.split('\n').map((l) => l.trim()).filter(Boolean) : [],
      email: config.get('institution.email') ?? null,
    },
    codes: loadCodeBook(db),
  });
}

async function readLayout(file: string): Promise<string> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the letter layout: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file },
      `a templates folder holds ${HTML_LAYOUT}, ${TEXT_LAYOUT} and labels/<language>.json; copy the built-in one to start`);
  }
}

/** The label files of a templates folder, by language (en.json, de.json...). */
async function readLabelFiles(dir: string): Promise<Map<string, LanguageLabels>> {
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    throw new InputError(`cannot read the label folder: ${(e as Error).message}`, { file: dir },
      `a templates folder holds ${HTML_LAYOUT}, ${TEXT_LAYOUT} and labels/<language>.json`);
  }
  const out = new Map<string, LanguageLabels>();
  for (const name of names) {
    const file = path.join(dir, name);
    const labels = parseLabelFile(await fsp.readFile(file, 'utf8'), file, name.slice(0, -'.json'.length));
    out.set(labels.language, labels);
  }
  return out;
}
