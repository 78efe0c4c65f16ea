/**
 * One CSV cell, quoted when it must be. A cell that a spreadsheet would run as a formula
 * (=, +, -, @, and tab or carriage return before them) is prefixed with ' (OWASP's advice
 * against CSV injection): exports are opened in Excel by people who trust them.
 */
export function csvCell(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n;]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}
