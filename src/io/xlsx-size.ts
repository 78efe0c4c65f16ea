import yauzl from 'yauzl';
import { InputError } from '../domain/errors.js';

/**
 * How much of a workbook exceljs may inflate before an ID file is refused. A few MB of ZIP
 * can inflate to gigabytes, and exceljs holds some of it in memory whole: the shared-strings
 * table and the styles, and a sheet's cells one at a time, however long a cell's text is (a
 * cell written inline, `t="inlineStr"`, keeps its text in the sheet itself). Each bound is
 * checked before exceljs reads anything.
 */

export interface XlsxBound {
  /** What the refusal says of the parts: `its sheets together are` (over 256 MB). */
  what: string;
  limit: number;
}

export const XLSX_BOUNDS = {
  /** Every text cell of the workbook; 64 MB is some two million IDs. */
  sharedStrings: { what: 'its table of text cells (shared strings) is', limit: 64 << 20 },
  styles: { what: 'its table of cell styles is', limit: 16 << 20 },
  /**
   * Every sheet together, counted as one part: exceljs inflates each sheet, parses the one
   * read and drains the others. A sheet of 1,000,000 IDs in one column is about 100 MB
   * (95 MB written by exceljs with shared strings, 101 MB with inline strings), and Excel's
   * 1,048,576 rows stay near that, so 256 MB leaves room for a column or two beside the IDs
   * while no cell can grow past a quarter of a gigabyte (four 400 MB inline cells took
   * 2.5 GB of memory; one of 700 MB was more than a JavaScript string can hold).
   */
  sheets: { what: 'its sheets together are', limit: 256 << 20 },
} as const satisfies Record<string, XlsxBound>;

/** The bound a ZIP entry counts against, if any. */
function boundOf(name: string): XlsxBound | undefined {
  if (name === 'xl/sharedStrings.xml') return XLSX_BOUNDS.sharedStrings;
  if (name === 'xl/styles.xml') return XLSX_BOUNDS.styles;
  // exceljs reads as a sheet every entry whose name holds this; its test is not anchored.
  if (/xl\/worksheets\/sheet\d+[.]xml/.test(name)) return XLSX_BOUNDS.sheets;
  return undefined;
}

/**
 * Inflates each bounded part, counting its bytes and keeping none, so what a part's ZIP
 * entry claims is never taken on trust; a claim over the bound is refused without
 * inflating anything. Undefined when every bound holds.
 */
function overBound(file: string): Promise<XlsxBound | undefined> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const used = new Map<XlsxBound, number>();
      const done = (v: XlsxBound | undefined, e?: Error) => {
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
        if (bytes + entry.uncompressedSize > bound.limit) return done(bound);
        zip.openReadStream(entry, (e, stream) => {
          if (e) return done(undefined, e);
          stream.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > bound.limit) {
              stream.destroy();
              done(bound);
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

/** Refuses (exit 2) a workbook that is no ZIP, or that would inflate past a bound. */
export async function checkXlsxSize(file: string, display: string): Promise<void> {
  let big: XlsxBound | undefined;
  try {
    big = await overBound(file);
  } catch (e) {
    throw unreadableXlsx(e, display);
  }
  if (big) {
    throw new InputError(`${big.what} over ${big.limit >> 20} MB, more than an ID file needs`, { file: display },
      'save the ID column alone as a new workbook, or as CSV (one ID a line), and give that file');
  }
}

/** What a library's error while reading a workbook becomes: a sentence and exit 2, never a stack. */
export function unreadableXlsx(e: unknown, display: string): InputError {
  return new InputError(`not a readable .xlsx workbook: ${(e as Error).message}`, { file: display }, 'save it from Excel as .xlsx, or as CSV');
}
