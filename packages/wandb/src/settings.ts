import { homedir } from 'node:os';
import { join } from 'node:path';
import { netrcPassword } from './netrc.ts';
import { Secret } from './secret.ts';
import type { WandbOptions } from './wandb-options.ts';

export type WandbMode = 'online' | 'offline' | 'disabled';

export const DEFAULT_BASE_URL = 'https://api.wandb.ai';
export const DEFAULT_PROJECT = 'ouroboros';
export const DEFAULT_JOB_TYPE = 'retrain';

/** Where the client connects and how it authenticates. */
export interface Connection {
  /** No trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: Secret | undefined;
  /** Where the key came from, for messages: `WANDB_API_KEY` or the netrc path. */
  readonly apiKeySource: string | undefined;
}

/** The tracker's settings: its options, else the W&B environment variables, else the defaults. */
export interface WandbSettings extends Connection {
  readonly mode: WandbMode;
  readonly project: string;
  readonly entity: string | undefined;
  /** $WANDB_RUN_ID: replaces the run id derived from the cell id. */
  readonly runId: string | undefined;
  /** The `group` option; the sweep name comes next, then $WANDB_RUN_GROUP (`envGroup`). */
  readonly group: string | undefined;
  readonly envGroup: string | undefined;
  readonly tags: readonly string[];
  readonly name: string | undefined;
  readonly notes: string | undefined;
  readonly jobType: string;
  readonly sweep: string | undefined;
}

type Environ = Readonly<Record<string, string | undefined>>;

export function resolveSettings(options: Partial<WandbOptions>, environ: Environ = process.env): WandbSettings {
  const env = (name: string) => {
    const value = environ[name]?.trim();
    return value === '' ? undefined : value;
  };
  const runId = env('WANDB_RUN_ID');
  if (runId !== undefined && /[/\\#?%:\s]/.test(runId)) {
    throw new Error(`WANDB_RUN_ID = ${JSON.stringify(runId)}: a W&B run id may not contain / \\ # ? % : or spaces`);
  }
  const tags = options.tags ?? env('WANDB_TAGS')?.split(',').map((t) => t.trim()).filter((t) => t !== '') ?? [];
  return {
    ...resolveConnection(options.baseUrl, environ),
    mode: options.mode ?? modeFromEnv(env('WANDB_MODE')),
    project: options.project ?? env('WANDB_PROJECT') ?? DEFAULT_PROJECT,
    entity: options.entity ?? env('WANDB_ENTITY'),
    runId,
    group: options.group,
    envGroup: env('WANDB_RUN_GROUP'),
    tags,
    name: options.name ?? env('WANDB_NAME'),
    notes: options.notes ?? env('WANDB_NOTES'),
    jobType: options.jobType ?? env('WANDB_JOB_TYPE') ?? DEFAULT_JOB_TYPE,
    sweep: options.sweep ?? env('WANDB_SWEEP_ID'),
  };
}

/**
 * The server and the API key: `baseUrl`, else $WANDB_BASE_URL, else api.wandb.ai; the key from
 * $WANDB_API_KEY, else the `machine <host>` entry of $NETRC or ~/.netrc (what `wandb login` writes).
 */
export function resolveConnection(baseUrl: string | undefined, environ: Environ = process.env): Connection {
  const url = (baseUrl ?? environ.WANDB_BASE_URL?.trim() ?? '') || DEFAULT_BASE_URL;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`WANDB_BASE_URL = ${JSON.stringify(url)}: not a URL; expected e.g. https://api.wandb.ai`);
  }
  const fromEnv = environ.WANDB_API_KEY?.trim();
  if (fromEnv) return { baseUrl: url.replace(/\/+$/, ''), apiKey: new Secret(fromEnv), apiKeySource: 'WANDB_API_KEY' };
  const netrc = environ.NETRC?.trim() || join(environ.HOME?.trim() || homedir(), '.netrc');
  const fromNetrc = netrcPassword(netrc, host);
  return { baseUrl: url.replace(/\/+$/, ''), apiKey: fromNetrc ? new Secret(fromNetrc) : undefined, apiKeySource: fromNetrc ? netrc : undefined };
}

function modeFromEnv(value: string | undefined): WandbMode {
  if (value === undefined) return 'online';
  const mode = value.toLowerCase();
  if (mode === 'dryrun') return 'offline';
  if (mode === 'online' || mode === 'offline' || mode === 'disabled') return mode;
  throw new Error(`WANDB_MODE = ${JSON.stringify(value)}: expected online, offline or disabled`);
}
