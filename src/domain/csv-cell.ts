/**
 * One CSV cell, quoted when it must be. A cell that a spreadsheet would run as a formula
 * (=, +, -, @, and tab or carriage return before them) is prefixed with ' (OWASP's advice
 * against CSV injection): exports are opened in Excel by people who trust them. A value
 * that already begins with ' before such a character gets one more, so that
 * readCsvCell gives every value back exactly and an export imports as it was.
 */
export function csvCell(value: string): string {
  let v = value;
  if (FORMULA.test(v)) v = `'${v}`;
  return /[",\r\n;]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

const FORMULA = /^'*[=+\-@\t\r]/;

/**
 * ="0012345": how many exports keep an ID's leading zeros for Excel, which shows the text
 * between the quotes. Only that whole form (no other quote inside) is read as its text.
 */
const EXCEL_TEXT = /^="([^"]*)"$/;

/**
 * A cell as read back: the neutralising ' of csvCell (or typed in Excel) is removed, and
 * ="TEXT" is read as TEXT, as Excel shows it.
 */
export function readCsvCell(cell: string): string {
  const c = cell.charCodeAt(0);
  if (c === 39) return FORMULA.test(cell) ? cell.slice(1) : cell;
  return c === 61 ? excelText(cell) : cell;
}

/** TEXT for a cell written ="TEXT", else the cell as it is. */
export function excelText(cell: string): string {
  return EXCEL_TEXT.exec(cell)?.[1] ?? cell;
}
