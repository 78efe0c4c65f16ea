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

/** A cell as read back: the neutralising ' of csvCell (or typed in Excel) is removed. */
export function readCsvCell(cell: string): string {
  return cell.charCodeAt(0) === 39 && FORMULA.test(cell) ? cell.slice(1) : cell;
}
