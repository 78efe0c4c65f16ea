import { afterEach, describe, expect, it } from 'vitest';
import { startAlmaServer, type AlmaTestServer } from './index.js';
import { almaUser, call, errorCode } from './call.js';

let alma: AlmaTestServer | undefined;
afterEach(async () => {
  await alma?.stop();
  alma = undefined;
});

describe('API key and governance of the Alma test server', () => {
  it('refuses a missing or wrong key with 401 in the envelope, accepts the header and apikey=', async () => {
    alma = await startAlmaServer({ apiKey: 'secret-key' });
    const none = await call(alma, 'GET', '/users/test', { key: null });
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('UNAUTHORIZED');
    const wrongXml = await call(alma, 'GET', '/conf/test', { key: 'nope', xml: true });
    expect(wrongXml.status).toBe(401);
    expect(wrongXml.text).toContain('<errorCode>UNAUTHORIZED</errorCode>');
    expect((await call(alma, 'GET', '/users/test')).status).toBe(200);
    expect((await call(alma, 'GET', '/conf/test', { keyInQuery: true })).status).toBe(200);
    const stats = alma.stats();
    expect(stats.unauthorized).toBe(2);
    expect(stats.keyInQuery).toBe(1);
    expect(JSON.stringify(alma.requests())).not.toContain('secret-key');
  });

  it('answers 429 PER_SECOND_THRESHOLD when 40 calls arrive at once, and counts what it admitted', async () => {
    // A clock that stands still: all 40 arrive within the same second however slow the machine.
    alma = await startAlmaServer({ perSecond: 25, now: () => 1_000_000 });
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(alma as AlmaTestServer, 'GET', '/users/test')));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(25);
    expect(refused).toHaveLength(15);
    expect(errorCode(refused[0] as (typeof answers)[0])).toBe('PER_SECOND_THRESHOLD');
    const stats = alma.stats();
    expect(stats.rejected429).toBe(15);
    expect(stats.rateRejections).toBe(15);
    expect(stats.maxPerSecond).toBe(25);
    expect(stats.maxArrivalsPerSecond).toBe(40);
    expect(stats.byRoute['GET /users/test']).toBe(40);
  });

  it('counts the daily quota down in X-Exl-Api-Remaining and answers DAILY_THRESHOLD at zero', async () => {
    alma = await startAlmaServer({ dailyQuota: 3 });
    alma.seedUsers([almaUser('q1')]);
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) remaining.push((await call(alma, 'GET', '/users/q1')).headers.get('x-exl-api-remaining'));
    expect(remaining).toEqual(['2', '1', '0']);
    const out = await call(alma, 'GET', '/users/q1');
    expect(out.status).toBe(429);
    expect(errorCode(out)).toBe('DAILY_THRESHOLD');
    expect(out.headers.get('x-exl-api-remaining')).toBe('0');
    alma.setRemaining(10);
    expect((await call(alma, 'GET', '/users/q1')).headers.get('x-exl-api-remaining')).toBe('9');
  });

  it('forces a storm of 429s, 5xx answers and cut connections for the next calls', async () => {
    alma = await startAlmaServer();
    alma.storm(2);
    expect((await call(alma, 'GET', '/users/test')).status).toBe(429);
    expect((await call(alma, 'GET', '/users/test')).status).toBe(429);
    expect((await call(alma, 'GET', '/users/test')).status).toBe(200);
    alma.failNext(1, 503);
    expect((await call(alma, 'GET', '/users/test')).status).toBe(503);
    alma.dropNext(1);
    await expect(call(alma, 'GET', '/users/test')).rejects.toThrow();
    expect((await call(alma, 'GET', '/users/test')).status).toBe(200);
    expect(alma.stats().rateRejections).toBe(0);
  });
});
