/** How a failed request is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included (Infinity: until the signal aborts). */
  readonly maxAttempts: number;
  readonly initialMs: number;
  readonly maxMs: number;
  /** Uniform jitter as a fraction of the wait: wait * (1 + U[0, jitter]). */
  readonly jitter: number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** W&B's clients: 2 s doubling to 60 s with 25 % jitter; GraphQL gives up after 20 retries. */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 21,
  initialMs: 2000,
  maxMs: 60_000,
  jitter: 0.25,
  random: Math.random,
  sleep: abortableSleep,
};

/** The wait before retry n (0-based): min(max, initial * 2^n * (1 + U[0, jitter])). */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** attempt * (1 + policy.jitter * policy.random()));
}

/** A Retry-After header in milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Answers that mean the request itself is wrong: sending it again cannot help (W&B's clients agree). */
const NOT_RETRIED = new Set([400, 401, 403, 404, 409, 410, 413, 422, 501]);

/** Whether a request answered `status` is tried again; UpsertBucket retries 409 (a concurrent upsert of the same run). */
export function isRetriedStatus(status: number, operation?: string): boolean {
  if (status === 409 && operation === 'UpsertBucket') return true;
  return !NOT_RETRIED.has(status);
}

/** A failure of one attempt: `retried` says whether trying again may help, `retryAfterMs` what the server asked for. */
export class WandbRequestError extends Error {
  constructor(
    message: string,
    readonly retried: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WandbRequestError';
  }
}

/**
 * Runs `attempt` until it succeeds, a failure is not retried, the attempts run out or `signal`
 * aborts. Between attempts it waits the server's Retry-After when given, else the backoff.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: (error: WandbRequestError, waitMs: number, retry: number) => void = () => {},
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
      const failure = error instanceof WandbRequestError ? error : new WandbRequestError(String(error instanceof Error ? error.message : error), true);
      if (!failure.retried || n + 1 >= policy.maxAttempts) throw failure;
      const wait = failure.retryAfterMs ?? backoffMs(n, policy);
      onRetry(failure, wait, n + 1);
      await policy.sleep(wait, signal);
    }
  }
}

/** setTimeout as a promise that rejects when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      signal.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
