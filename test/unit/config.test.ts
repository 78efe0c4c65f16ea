import { describe, expect, it } from 'vitest';
import { allowListMatcher, CONFIG_KEYS, parseDuration, settableKey } from '../../src/domain/config.js';
import { checkConfigValue } from '../../src/domain/config-values.js';
import { UsageError } from '../../src/domain/errors.js';

describe('settableKey', () => {
  it('accepts the documented keys and names the others', () => {
    expect(settableKey('mail.timeout')).toBe('mail.timeout');
    expect(() => settableKey('mail.colour')).toThrow(UsageError);
    expect(() => settableKey('mail.colour')).toThrow('unknown configuration key mail.colour');
    expect(() => settableKey('initialised_by')).toThrow('initialised_by is set by alma-users init and cannot be changed');
  });
});

describe('checkConfigValue', () => {
  it('checks every key against its own rule, with an example of a good value', () => {
    for (const [key, k] of Object.entries(CONFIG_KEYS)) {
      // Every documented example passes its own check (the address's \n becomes a line break).
      expect(checkConfigValue(key, k.example.replace(/^'|'$/g, ''))).toBeTruthy();
    }
    expect(() => checkConfigValue('mail.pool_size', '0')).toThrow('mail.pool_size: expected a whole number above 0');
    expect(() => checkConfigValue('mail.timeout', 'soon')).toThrow(/expected a duration/);
    expect(() => checkConfigValue('mail.allowed_emails', 'example.edu')).toThrow(/comma-separated addresses/);
  });

  it('keeps numbers and durations within sane ranges, and names the range', () => {
    expect(() => checkConfigValue('mail.pool_size', '1000000')).toThrow('mail.pool_size: expected a whole number from 1 to 50');
    expect(checkConfigValue('mail.pool_size', '50')).toBe('50');
    expect(() => checkConfigValue('mail.rate_limit', '1001')).toThrow('expected a whole number from 1 to 1000');
    expect(() => checkConfigValue('mail.timeout', '0')).toThrow('mail.timeout: expected from 1s to 10m');
    expect(() => checkConfigValue('mail.timeout', '500ms')).toThrow('mail.timeout: expected from 1s to 10m');
    expect(() => checkConfigValue('mail.timeout', '11m')).toThrow('mail.timeout: expected from 1s to 10m');
    expect([checkConfigValue('mail.timeout', '1s'), checkConfigValue('mail.timeout', '10m')]).toEqual(['1s', '10m']);
    expect(() => checkConfigValue('mail.retry_delays', Array(11).fill('1s').join(','))).toThrow('expected at most 10 retries');
    expect(() => checkConfigValue('mail.retry_delays', '2s,61m')).toThrow('expected each wait to be at most 1h');
    expect(checkConfigValue('mail.retry_delays', 'none')).toBe('none');
  });

  it('refuses control characters and broken characters in any value (a postal address keeps its line breaks)', () => {
    expect(() => checkConfigValue('institution.name', 'Library\u001b[2J')).toThrow('institution.name: the value holds an unprintable character (U+001B');
    expect(() => checkConfigValue('mail.from', 'Library <a@b.org>\r\nBcc: x@y.org')).toThrow('(U+000D');
    expect(() => checkConfigValue('institution.name', 'Bad \ud800 half')).toThrow('(U+D800');
    expect(checkConfigValue('institution.address', '1 Way\nTown')).toBe('1 Way\nTown');
    expect(checkConfigValue('institution.name', 'Bibliothèque 📚')).toBe('Bibliothèque 📚');
    expect(() => checkConfigValue('institution.name', 'x'.repeat(2001))).toThrow('at most 2000 are kept');
  });

  it('refuses a password inside mail.smtp_url', () => {
    expect(() => checkConfigValue('mail.smtp_url', 'smtp://user:secret@relay.example.edu:587')).toThrow(/does not belong in the store/);
    expect(checkConfigValue('mail.smtp_url', 'smtp://user@relay.example.edu:587')).toBe('smtp://user@relay.example.edu:587');
  });

  it('reads \\n in a postal address as a line break, and trims', () => {
    expect(checkConfigValue('institution.address', ' 1 Library Way\\nSpringfield ')).toBe('1 Library Way\nSpringfield');
  });
});

describe('parseDuration', () => {
  it('reads ms, s, m and plain seconds', () => {
    expect([parseDuration('500ms'), parseDuration('2s'), parseDuration('1m'), parseDuration('1.5')]).toEqual([500, 2000, 60_000, 1500]);
    expect(parseDuration('2h')).toBeUndefined();
  });
});

describe('allowListMatcher', () => {
  it('matches addresses and whole domains, ignoring case; no list allows all', () => {
    const allowed = allowListMatcher('*@Example.edu, ops@lib.org,@other.org')!;
    expect(['a@example.EDU', 'OPS@lib.org', 'x@other.org'].every(allowed)).toBe(true);
    expect(['a@sub.example.edu', 'dev@lib.org'].some(allowed)).toBe(false);
    expect(allowListMatcher(' ')).toBeUndefined();
  });
});
