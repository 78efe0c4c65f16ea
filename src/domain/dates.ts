/**
 * Calendar dates as 'YYYY-MM-DD' strings. Arithmetic is done on the calendar date itself
 * (in UTC, where no day has 23 or 25 hours), and "today" is the local calendar date, so no
 * result is ever a day off whatever the machine's time zone.
 */

import { UsageError } from './errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The dates a user record may hold. Dates are compared as text, which orders them only
 * while every year has four digits (12025-11-29 would sort before today), and no library
 * user's date lies before 1900; anything outside is a typo or an overflow.
 */
export const FIRST_DATE = '1900-01-01';
export const LAST_DATE = '9999-12-31';
const FIRST_YEAR = 1900;
const LAST_YEAR = 9999;

export function isIsoDate(s: string): boolean {
  // Character codes and plain arithmetic, no regular expression or Date: an import checks every date of a million users.
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  return y >= FIRST_YEAR && y <= LAST_YEAR && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** The number the ASCII digits s[from..to) write, or -1 if one of them is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Whether `s` is a calendar date of the right form that lies outside FIRST_DATE..LAST_DATE. */
export function isOutOfRange(s: string): boolean {
  const m = ISO_DATE.exec(s);
  return m !== null && (Number(m[1]) < FIRST_YEAR || Number(m[1]) > LAST_YEAR);
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

/**
 * Adds days, months or years; a month-end overflow clamps (2026-01-31 + 1m = 2026-02-28).
 * A result outside FIRST_DATE..LAST_DATE is a UsageError (exit 2): +9999y is no date.
 */
export function addToDate(date: string, amount: number, unit: DateUnit): string {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  let [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (unit === 'd') {
    // Date.UTC is exact far beyond year 9999 for any amount that could pass the check below.
    const t = new Date(Date.UTC(y, mo - 1, d + Math.max(-1e7, Math.min(1e7, amount))));
    [y, mo, d] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
  } else {
    const months = unit === 'm' ? amount : amount * 12;
    const total = y * 12 + (mo - 1) + months;
    y = Math.floor(total / 12);
    mo = (total % 12) + 1;
    d = Math.min(d, daysInMonth(y, mo));
  }
  const sign = amount < 0 ? '-' : '+';
  if (!(y >= FIRST_YEAR)) {
    throw new UsageError(`${sign}${Math.abs(amount)}${unit} from ${date} is before ${FIRST_DATE}, the first date alma-users takes`, `give a date from ${FIRST_DATE} to ${LAST_DATE}`);
  }
  if (!(y <= LAST_YEAR)) {
    throw new UsageError(`${sign}${Math.abs(amount)}${unit} from ${date} is past ${LAST_DATE}, the last date alma-users takes`, `give a date from ${FIRST_DATE} to ${LAST_DATE}`);
  }
  return fmt(y, mo, d);
}

const RELATIVE = /^([+-])\s*(\d+)\s*([dmy])$/;

/**
 * A date given on the command line: 'YYYY-MM-DD', or relative to today ('+18m', '-30d').
 * Returns undefined when the text is neither; a date outside FIRST_DATE..LAST_DATE is a
 * UsageError saying so.
 */
export function parseDateArg(text: string, now: Date = new Date()): string | undefined {
  const t = text.trim();
  if (isIsoDate(t)) return t;
  if (isOutOfRange(t)) throw new UsageError(`${t} is outside ${FIRST_DATE}..${LAST_DATE}, the dates alma-users takes`, 'check the year');
  const m = RELATIVE.exec(t);
  if (!m) return undefined;
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  return addToDate(today(now), n, m[3] as DateUnit);
}

/** A time of day as Alma writes it after the date: T20:48:50.853Z, T08:00, with or without a zone. */
const TIME = /^T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)?$/;

/**
 * Reads the date forms real Alma files hold: 'YYYY-MM-DD', 'YYYY-MM-DDZ', or a timestamp
 * ('2017-04-29T20:48:50.853Z'), padded or not. Returns undefined when it is none of them,
 * or names a day or time that does not exist (2027-02-30, T25:00).
 */
export function parseAlmaDate(text: string): string | undefined {
  const t = text.trim();
  const head = t.slice(0, 10);
  if (!isIsoDate(head)) return undefined;
  const rest = t.slice(10);
  if (rest === '' || rest === 'Z' || TIME.test(rest)) return head;
  return undefined;
}

function fmt(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
