import yauzl from 'yauzl';
import { InputError } from '../domain/errors.js';

/**
 * How much of a workbook exceljs may inflate before an ID file is refused. A few MB of ZIP
 * can inflate to gigabytes, and exceljs holds some of it in memory whole: the shared-strings
 * table and the styles, and a sheet's cells one at a time, however long a cell's text is (a
 * cell written inline, `t="inlineStr"`, keeps its text in the sheet itself). Each bound is
 * checked before exceljs reads anything.
 */

/**
 * The most a sheet may hold between two tags: a cell's text, or a tag with its attributes.
 * Excel keeps at most 32,767 characters in a cell (128 KB in UTF-8); a run past 1 MB is no
 * spreadsheet's, and one of hundreds of MB is what would fill memory (four 400 MB inline
 * cells took 2.5 GB; one of 700 MB was more than a JavaScript string can hold).
 */
const LONGEST_RUN = 1 << 20;

const RUN_REFUSED = `a cell of it holds over ${LONGEST_RUN >> 20} MB of text, more than Excel keeps in a cell (32,767 characters)`;

export interface XlsxBound {
  /** What the refusal says of the parts: `its sheets together are` (over 4 GB). */
  what: string;
  limit: number;
}

export const XLSX_BOUNDS = {
  /** Every text cell of the workbook; 64 MB is some two million IDs. */
  sharedStrings: { what: 'its table of text cells (shared strings) is', limit: 64 << 20 },
  styles: { what: 'its table of cell styles is', limit: 16 << 20 },
  /**
   * Every sheet together, counted as one part: exceljs inflates each sheet, parses the one
   * read and drains the others, a row at a time (a cell's size is bounded by LONGEST_RUN),
   * so this bounds time, not memory. A full export of a library's users, 20 columns of
   * Excel's 1,048,576 rows, is about 1.2 GB; 4 GB is several of those.
   */
  sheets: { what: 'its sheets together are', limit: 4 * 2 ** 30 },
} as const satisfies Record<string, XlsxBound>;

/** The bound a ZIP entry counts against, if any. */
function boundOf(name: string): XlsxBound | undefined {
  if (name === 'xl/sharedStrings.xml') return XLSX_BOUNDS.sharedStrings;
  if (name === 'xl/styles.xml') return XLSX_BOUNDS.styles;
  // exceljs reads as a sheet every entry whose name holds this; its test is not anchored.
  if (/xl\/worksheets\/sheet\d+[.]xml/.test(name)) return XLSX_BOUNDS.sheets;
  return undefined;
}

/** 64 MB, 4 GB. */
function sizeText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GB` : `${bytes / 2 ** 20} MB`;
}

/**
 * The run since the sheet's last `<` once this chunk is read, or undefined when a run passed
 * LONGEST_RUN. A chunk is far smaller than LONGEST_RUN, so only a run that spans chunks can
 * pass it: each chunk needs two native searches, not a look at every byte.
 */
function runAfter(run: number, chunk: Buffer): number | undefined {
  const first = chunk.indexOf(0x3c);
  if (first < 0) return run + chunk.length > LONGEST_RUN ? undefined : run + chunk.length;
  if (run + first > LONGEST_RUN) return undefined;
  return chunk.length - 1 - chunk.lastIndexOf(0x3c);
}

/**
 * Inflates each bounded part, counting its bytes and keeping none, so what a part's ZIP
 * entry claims is never taken on trust; a claim over the bound is refused without
 * inflating anything. A sheet's runs between tags are measured on the way. Undefined when
 * every bound holds, else why the workbook is refused.
 */
function overBound(file: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const used = new Map<XlsxBound, number>();
      const over = (bound: XlsxBound) => `${bound.what} over ${sizeText(bound.limit)}, more than an ID file needs`;
      const done = (v: string | undefined, e?: Error) => {
        zip.close();
        if (e) reject(e);
        else resolve(v);
      };
      zip.on('error', (e: Error) => done(undefined, e));
      zip.on('end', () => done(undefined));
      zip.on('entry', (entry: yauzl.Entry) => {
        const bound = boundOf(entry.fileName);
        if (bound === undefined) return zip.readEntry();
        let bytes = used.get(bound) ?? 0;
        if (bytes + entry.uncompressedSize > bound.limit) return done(over(bound));
        let run: number | undefined = 0;
        zip.openReadStream(entry, (e, stream) => {
          if (e) return done(undefined, e);
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bound === XLSX_BOUNDS.sheets && run !== undefined) run = runAfter(run, chunk);
            const why = bytes > bound.limit ? over(bound) : run === undefined ? RUN_REFUSED : undefined;
            if (why) {
              stream.destroy();
              done(why);
            }
          });
          stream.on('error', (se: Error) => done(undefined, se));
          stream.on('end', () => {
            used.set(bound, bytes);
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Refuses (exit 2) a workbook that is no ZIP, that would inflate past a bound, or whose cells hold more than a cell can. */
export async function checkXlsxSize(file: string, display: string): Promise<void> {
  let why: string | undefined;
  try {
    why = await overBound(file);
  } catch (e) {
    throw unreadableXlsx(e, display);
  }
  if (why) {
    throw new InputError(why, { file: display }, 'save the ID column alone as a new workbook, or as CSV (one ID a line), and give that file');
  }
}

/** What a library's error while reading a workbook becomes: a sentence and exit 2, never a stack. */
export function unreadableXlsx(e: unknown, display: string): InputError {
  return new InputError(`not a readable .xlsx workbook: ${(e as Error).message}`, { file: display }, 'save it from Excel as .xlsx, or as CSV');
}
