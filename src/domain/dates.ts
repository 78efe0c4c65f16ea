/**
 * Calendar dates as 'YYYY-MM-DD' strings. Arithmetic is done on the calendar date itself
 * (in UTC, where no day has 23 or 25 hours), and "today" is the local calendar date, so no
 * result is ever a day off whatever the machine's time zone.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Plain arithmetic, no Date: import checks every date of a million users.
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Today's date where the command runs; `now` is injectable for tests. */
export function today(now: Date = new Date()): string {
  return fmt(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

export type DateUnit = 'd' | 'm' | 'y';

/** Adds days, months or years; a month-end overflow clamps (2026-01-31 + 1m = 2026-02-28). */
export function addToDate(date: string, amount: number, unit: DateUnit): string {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  let [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (unit === 'd') {
    const t = new Date(Date.UTC(y, mo - 1, d + amount));
    return fmt(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  }
  const months = unit === 'm' ? amount : amount * 12;
  const total = y * 12 + (mo - 1) + months;
  y = Math.floor(total / 12);
  mo = (total % 12) + 1;
  return fmt(y, mo, Math.min(d, daysInMonth(y, mo)));
}

const RELATIVE = /^([+-])\s*(\d+)\s*([dmy])$/;

/**
 * A date given on the command line: 'YYYY-MM-DD', or relative to today ('+18m', '-30d').
 * Returns undefined when the text is neither.
 */
export function parseDateArg(text: string, now: Date = new Date()): string | undefined {
  const t = text.trim();
  if (isIsoDate(t)) return t;
  const m = RELATIVE.exec(t);
  if (!m) return undefined;
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  return addToDate(today(now), n, m[3] as DateUnit);
}

/**
 * Reads the date forms real Alma files hold: 'YYYY-MM-DD', 'YYYY-MM-DDZ', or a timestamp
 * ('2017-04-29T20:48:50.853Z'), padded or not. Returns undefined when it is none of them.
 */
export function parseAlmaDate(text: string): string | undefined {
  const t = text.trim();
  const head = t.slice(0, 10);
  if (!isIsoDate(head)) return undefined;
  const rest = t.slice(10);
  if (rest === '' || rest === 'Z' || /^T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/.test(rest)) return head;
  return undefined;
}

function fmt(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
