import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToDate, isIsoDate, parseAlmaDate, parseDateArg, today } from '../../src/domain/dates.js';

describe('dates', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2027-13-01')).toBe(false);
    expect(isIsoDate('27-01-01')).toBe(false);
  });

  it('takes a date exactly when the calendar has it, between 1900 and 9999, written YYYY-MM-DD', () => {
    // The oracle: the form by a regular expression, the day by the calendar of Date.
    const calendar = (s: string) => {
      const t = Date.parse(`${s}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(s) && s >= '1900-01-01' && !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
    };
    const written = fc.oneof(
      fc.date({ min: new Date('1800-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.tuple(fc.integer({ min: 1890, max: 2100 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
        .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
      fc.string({ unit: fc.constantFrom('0', '1', '2', '9', '-', ' ', '/', '٣'), minLength: 8, maxLength: 11 }),
    );
    fc.assert(fc.property(written, (s) => {
      expect(isIsoDate(s)).toBe(calendar(s));
    }), { numRuns: 5000 });
  });

  it('adds months with month-end clamping and years across leap days', () => {
    expect(addToDate('2026-01-31', 1, 'm')).toBe('2026-02-28');
    expect(addToDate('2026-11-21', 18, 'm')).toBe('2028-05-21');
    expect(addToDate('2028-02-29', 1, 'y')).toBe('2029-02-28');
    expect(addToDate('2026-12-31', 1, 'd')).toBe('2027-01-01');
    expect(addToDate('2026-03-01', -1, 'd')).toBe('2026-02-28');
    expect(addToDate('2026-01-15', -18, 'm')).toBe('2024-07-15');
  });

  it('takes today from the local calendar, whatever the UTC date is', () => {
    // 23:30 local on 2026-11-21 is already the 22nd in UTC east of Greenwich; today() must say the 21st.
    const lateEvening = new Date(2026, 10, 21, 23, 30);
    expect(today(lateEvening)).toBe('2026-11-21');
    const earlyMorning = new Date(2026, 10, 21, 0, 15);
    expect(today(earlyMorning)).toBe('2026-11-21');
  });

  it('reads command-line dates, absolute and relative to today', () => {
    const now = new Date(2026, 10, 21, 12, 0);
    expect(parseDateArg('2027-06-30', now)).toBe('2027-06-30');
    expect(parseDateArg('+18m', now)).toBe('2028-05-21');
    expect(parseDateArg('+30d', now)).toBe('2026-12-21');
    expect(parseDateArg('-1y', now)).toBe('2025-11-21');
    expect(parseDateArg('tomorrow', now)).toBeUndefined();
    expect(parseDateArg('2027-02-30', now)).toBeUndefined();
  });

  it('reads the date forms real Alma files hold', () => {
    expect(parseAlmaDate('2023-09-01Z')).toBe('2023-09-01');
    expect(parseAlmaDate(' 2023-09-01Z ')).toBe('2023-09-01');
    expect(parseAlmaDate('2017-04-29T20:48:50.853Z')).toBe('2017-04-29');
    expect(parseAlmaDate('2023-09-01')).toBe('2023-09-01');
    expect(parseAlmaDate('01/09/2023')).toBeUndefined();
  });

  it('refuses dates before 1900 and past 9999, absolute or relative', () => {
    const now = new Date(2026, 10, 21, 12, 0);
    expect(isIsoDate('1899-12-31')).toBe(false);
    expect(isIsoDate('1900-01-01')).toBe(true);
    expect(isIsoDate('9999-12-31')).toBe(true);
    expect(() => parseDateArg('+9999y', now)).toThrow(/past 9999-12-31/);
    expect(() => parseDateArg('-200y', now)).toThrow(/before 1900-01-01/);
    expect(() => parseDateArg('+99999999999999999999d', now)).toThrow(/past 9999-12-31/);
    expect(() => parseDateArg('0999-01-01', now)).toThrow(/outside 1900-01-01\.\.9999-12-31/);
    expect(parseDateArg('+7000y', now)).toBe('9026-11-21');
  });

  it('reads only real times of day in a timestamp', () => {
    expect(parseAlmaDate('2017-04-29T25:00:00Z')).toBeUndefined();
    expect(parseAlmaDate('2017-04-29T23:60:00Z')).toBeUndefined();
    expect(parseAlmaDate('2017-04-29T23:59:59+02:00')).toBe('2017-04-29');
    expect(parseAlmaDate('1850-04-29T10:00:00Z')).toBeUndefined();
  });
});
