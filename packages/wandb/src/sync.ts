import { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
import { resolveConnection } from './settings.ts';
import { Spool } from './spool.ts';
import { SpoolSender } from './spool-sender.ts';
import { WandbApi } from './wandb-api.ts';

export interface SyncOptions {
  readonly environ?: Readonly<Record<string, string | undefined>>;
  readonly log?: (message: string) => void;
  readonly retry?: RetryPolicy;
  readonly requestTimeoutMs?: number;
  /** Give up once the server has taken nothing for this long (default SYNC_STALL_MS); what is left stays spooled. */
  readonly stallMs?: number;
}

/** How long `ouro wandb sync` waits, retrying, for a server that takes nothing. */
export const SYNC_STALL_MS = 300_000;

export interface SyncResult {
  /** Journal records delivered by this sync. */
  readonly sent: number;
  /** Records still spooled (0 when everything arrived). */
  readonly left: number;
  /** Why sending stopped early, if it did. */
  readonly failure?: string;
}

/**
 * `ouro wandb sync DIR`: sends a run's spool (an offline run, or what an outage left) to W&B in
 * order, continuing after what the server already acknowledged. The server is $WANDB_BASE_URL,
 * else the one the run was configured with; the key comes from $WANDB_API_KEY or ~/.netrc.
 * Each request is retried up to 20 times with backoff, one line each, and the sync gives up once
 * the server has taken nothing for `stallMs`; running it again continues where it stopped.
 */
export async function syncRun(runDir: string, options: SyncOptions = {}): Promise<SyncResult> {
  if (!Spool.exists(runDir)) throw new Error(`${runDir}: no W&B spool (wandb/spool.jsonl); expected the folder of a run with a wandb tracker`);
  const environ = options.environ ?? process.env;
  let recordedBaseUrl: string | undefined;
  const spool = Spool.open(runDir, (record) => {
    if (record.kind === 'start') recordedBaseUrl = record.baseUrl;
  });
  const before = spool.pending.length;
  if (before === 0) return { sent: 0, left: 0 };
  const connection = resolveConnection(environ.WANDB_BASE_URL?.trim() ? undefined : recordedBaseUrl, environ);
  if (!connection.apiKey) throw new Error(`no W&B API key for ${connection.baseUrl}: set WANDB_API_KEY or run 'wandb login' (~/.netrc)`);
  if (!spool.lock()) throw new Error(`${spool.dir}: another process is sending this spool (the run itself?); try again once it has finished`);
  try {
    const sender = new SpoolSender(spool, new WandbApi(connection, options.requestTimeoutMs ?? 30_000), {
      flushMs: 0,
      heartbeatMs: Infinity,
      retry: options.retry ?? defaultRetryPolicy,
      log: options.log ?? ((message) => process.stderr.write(`wandb: ${message}\n`)),
      logEveryRetry: true,
    });
    const stallMs = options.stallMs ?? SYNC_STALL_MS;
    const left = await sender.drain(Infinity, stallMs);
    const stalled = left > 0 && !sender.failure ? `W&B took nothing for ${stallMs / 1000} s; last: ${sender.lastError ?? 'no answer'}` : undefined;
    const failure = sender.failure?.message.split('\n')[0] ?? stalled;
    return { sent: before - left, left, ...(failure ? { failure } : {}) };
  } finally {
    spool.unlock();
  }
}
