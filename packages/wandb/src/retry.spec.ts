import { describe, expect, it } from 'vitest';
import { backoffMs, defaultRetryPolicy, isRetriedStatus, retryAfterMs, withRetry, WandbRequestError, type RetryPolicy } from './retry.ts';

describe('retry policy', () => {
  it("waits 2 s * 2^n * (1 + U[0, 0.25]), capped at 60 s (W&B's clients)", () => {
    const at = (u: number) => ({ ...defaultRetryPolicy, random: () => u });
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(n, at(0)))).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(backoffMs(2, at(1))).toBe(8000 * 1.25);
    expect(backoffMs(5, at(0))).toBe(60_000);
    expect(backoffMs(30, at(0.5))).toBe(60_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Wed, 01 May 2024 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('does not retry 400, 401, 403, 404, 409, 410, 413, 422, 501, except 409 for UpsertBucket; retries 429 and other 5xx', () => {
    for (const status of [400, 401, 403, 404, 409, 410, 413, 422, 501]) expect(isRetriedStatus(status, 'file_stream'), String(status)).toBe(false);
    expect(isRetriedStatus(409, 'UpsertBucket')).toBe(true);
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isRetriedStatus(status, 'file_stream'), String(status)).toBe(true);
  });

  it('retries until success, honouring Retry-After over the backoff, and stops at once on a failure that is not retried', async () => {
    const waits: number[] = [];
    const policy: RetryPolicy = { ...defaultRetryPolicy, random: () => 0, sleep: async (ms) => void waits.push(ms) };
    const failures = [new WandbRequestError('busy', true, 429, 7000), new WandbRequestError('down', true, 500)];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      policy,
      new AbortController().signal,
    );
    expect([result, calls, waits]).toEqual(['ok', 3, [7000, 4000]]);

    calls = 0;
    const denied = withRetry(
      async () => {
        calls++;
        throw new WandbRequestError('denied', false, 403);
      },
      policy,
      new AbortController().signal,
    );
    await expect(denied).rejects.toThrow('denied');
    expect(calls).toBe(1);

    calls = 0;
    const bounded = withRetry(
      async () => {
        calls++;
        throw new WandbRequestError('down', true, 503);
      },
      { ...policy, maxAttempts: 4 },
      new AbortController().signal,
    );
    await expect(bounded).rejects.toThrow('down');
    expect(calls).toBe(4);
  });
});
