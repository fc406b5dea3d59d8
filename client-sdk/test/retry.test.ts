import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransient, withRetry, type RetryPolicy } from '../src/retry.ts';
import { ApiError } from '../src/transport/http.ts';

const policy: RetryPolicy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoff with full jitter', () => {
  it('should double the ceiling per retry up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, () => 0.999999));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('should draw uniformly below the ceiling (zero, half, almost all)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(4, policy);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(800);
    }
  });

  it('should spread clients that fail at the same moment', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, policy)));
    expect(delays.size).toBeGreaterThan(25);
  });
});

describe('which failures are retried', () => {
  it('should retry network failures and 502/503/504 only', () => {
    expect(isTransient(new TypeError('fetch failed'))).toBe(true);
    for (const status of [502, 503, 504]) expect(isTransient(new ApiError(status, 'X', 'x'))).toBe(true);
    for (const status of [400, 401, 404, 409, 429, 500]) expect(isTransient(new ApiError(status, 'X', 'x'))).toBe(false);
    expect(isTransient(new Error('other'))).toBe(false);
  });

  it('should repeat a transient failure with growing waits, then give up after the attempts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new ApiError(503, 'DATABASE_UNAVAILABLE', 'down'));
    };
    await expect(withRetry(failing, { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 }, async (ms) => void waits.push(ms))).rejects.toMatchObject({
      status: 503,
    });
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    waits.forEach((wait, i) => expect(wait).toBeLessThan(100 * 2 ** i));
  });

  it('should stop at once on a permanent failure and return a later success', async () => {
    let calls = 0;
    await expect(
      withRetry(() => {
        calls += 1;
        return Promise.reject(new ApiError(409, 'MESSAGE_DUPLICATE_ID', 'dup'));
      }, policy, async () => {}),
    ).rejects.toMatchObject({ code: 'MESSAGE_DUPLICATE_ID' });
    expect(calls).toBe(1);
    let tries = 0;
    const value = await withRetry(
      () => (++tries < 3 ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve('stored')),
      policy,
      async () => {},
    );
    expect([value, tries]).toEqual(['stored', 3]);
  });
});
