import { builtInTemplatesDir } from '../package-files.js';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../domain/errors.js';
import type { Db } from '../../store/db.js';
import { loadCodeBook } from '../../store/codes.js';
import { readConfig } from '../../store/config.js';
import { mergeStoreLabels, readLabelFiles, readStoreLabels } from './labels.js';
import { LetterRenderer } from '../../domain/letters/renderer.js';

export { LetterRenderer, SAMPLE_PASSWORD, type LetterInput, type NotificationTypeInfo, type RenderedLetter } from '../../domain/letters/renderer.js';
export { PASSWORD_TYPE, type Institution } from '../../domain/letters/variables.js';

export const HTML_LAYOUT = 'letter.html.liquid';
export const TEXT_LAYOUT = 'letter.txt.liquid';


export interface LoadOptions {
  /** A folder with the layout and labels; default: config letters.templates_dir, else the built-in one. */
  templatesDir?: string | undefined;
}

/**
 * Loads and checks the User Notifications Letter: the layout (HTML and plain text), the
 * labels of every language, the institution from the configuration, and the notification
 * types and user groups of the code tables. A syntax error, an unknown variable or a
 * missing common label is an InputError naming the file and line.
 */
export async function loadLetters(db: Db, options: LoadOptions = {}): Promise<LetterRenderer> {
  const config = readConfig(db);
  const templatesDir = path.resolve(options.templatesDir ?? config.get('letters.templates_dir') ?? builtInTemplatesDir());
  const htmlFile = path.join(templatesDir, HTML_LAYOUT);
  const textFile = path.join(templatesDir, TEXT_LAYOUT);
  const [htmlSource, textSource] = await Promise.all([readLayout(htmlFile), readLayout(textFile)]);
  const labels = await readLabelFiles(path.join(templatesDir, 'labels'));
  mergeStoreLabels(labels, readStoreLabels(db));
  const address = config.get('institution.address') ?? null;
  return new LetterRenderer({
    templatesDir, htmlFile, htmlSource, textFile, textSource, labels,
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
