import { Agent, request } from 'undici';
import { isRetriedStatus, retryAfterMs, WandbRequestError } from './retry.ts';
import type { Connection } from './settings.ts';

/** Where a run's files stream to: the names the server answered UpsertBucket with. */
export interface RunPath {
  readonly entity: string;
  readonly project: string;
  readonly run: string;
}

export interface FileStreamReply {
  /** The user pressed Stop in the W&B UI. */
  readonly stopped?: boolean;
}

export interface CreatedRunFiles {
  readonly uploadHeaders: readonly string[];
  readonly files: ReadonlyArray<{ readonly name: string; readonly uploadUrl: string }>;
}

/**
 * One attempt at each W&B request over undici (retries are the caller's, see withRetry): GraphQL
 * and file_stream with `Authorization: Basic base64("api:" + key)`, uploads to pre-signed URLs
 * without it. Every failure is a WandbRequestError whose message names the request and the answer
 * and never holds the key.
 */
export class WandbApi {
  private readonly agent: Agent;

  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 4000 });
  }

  get baseUrl(): string {
    return this.connection.baseUrl;
  }

  async graphql<T>(operation: string, query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<T> {
    const text = await this.send('POST', `${this.connection.baseUrl}/graphql`, JSON.stringify({ query, variables }), this.jsonHeaders(), signal, operation);
    let reply: { data?: T; errors?: Array<{ message?: string }> };
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      throw new WandbRequestError(`W&B ${operation}: the answer is not JSON (${this.redact(firstLine(text))})`, true);
    }
    if (reply.errors?.length) throw new WandbRequestError(`W&B ${operation}: ${this.redact(firstLine(reply.errors[0]?.message ?? 'error'))}`, false);
    if (reply.data === undefined || reply.data === null) throw new WandbRequestError(`W&B ${operation}: the answer has no data`, true);
    return reply.data;
  }

  async fileStream(path: RunPath, body: unknown, signal: AbortSignal): Promise<FileStreamReply> {
    const url = `${this.connection.baseUrl}/files/${[path.entity, path.project, path.run].map(encodeURIComponent).join('/')}/file_stream`;
    const text = await this.send('POST', url, JSON.stringify(body), this.jsonHeaders(), signal, 'file_stream');
    try {
      const reply = JSON.parse(text) as unknown;
      return typeof reply === 'object' && reply !== null ? (reply as FileStreamReply) : {};
    } catch {
      return {};
    }
  }

  /** PUT to a pre-signed URL with the headers CreateRunFiles gave ("Name: value"); no W&B credentials. */
  async upload(url: string, uploadHeaders: readonly string[], bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = { 'content-length': String(bytes.length) };
    for (const header of uploadHeaders) {
      const colon = header.indexOf(':');
      if (colon > 0) headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    }
    await this.send('PUT', url, bytes, headers, signal, 'upload');
  }

  /** Drops every connection, answering requests in flight with an abort, so a hung server cannot keep the process alive. */
  async close(): Promise<void> {
    await this.agent.destroy().catch(() => {});
  }

  private jsonHeaders(): Record<string, string> {
    const key = this.connection.apiKey;
    if (!key) throw new WandbRequestError(`no W&B API key: set WANDB_API_KEY or run 'wandb login' (~/.netrc)`, false);
    return { authorization: `Basic ${Buffer.from(`api:${key.reveal()}`).toString('base64')}`, 'content-type': 'application/json' };
  }

  private async send(method: 'POST' | 'PUT', url: string, body: string | Uint8Array, headers: Record<string, string>, signal: AbortSignal, operation: string): Promise<string> {
    const what = `W&B ${operation} (${method} ${describeUrl(url)})`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    try {
      const response = await request(url, { method, body, headers, dispatcher: this.agent, signal: both });
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) return text;
      const after = response.headers['retry-after'];
      throw new WandbRequestError(
        `${what} answered ${response.statusCode}${detailOf(text, (s) => this.redact(s))}`,
        isRetriedStatus(response.statusCode, operation),
        response.statusCode,
        retryAfterMs(Array.isArray(after) ? after[0] : after),
      );
    } catch (error) {
      if (error instanceof WandbRequestError) throw error;
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(`${what}: stopped`);
      const reason = timeout.aborted ? `no answer within ${this.timeoutMs / 1000} s` : this.redact(firstLine(errorText(error)));
      throw new WandbRequestError(`${what}: ${reason}`, true);
    }
  }

  /** Belt and braces: whatever a server echoes, the key and its Basic form never leave this class. */
  private redact(text: string): string {
    const key = this.connection.apiKey?.reveal();
    if (!key) return text;
    return text.split(key).join('[redacted]').split(Buffer.from(`api:${key}`).toString('base64')).join('[redacted]');
  }
}

/** A URL without its query (a pre-signed URL's signature stays out of messages). */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(bad URL)';
  }
}

/** `: message` from a W&B error body ({"error": ...} or {"errors": [{message}]}) or its first line. */
function detailOf(text: string, redact: (s: string) => string): string {
  if (text.trim() === '') return '';
  let message = text;
  try {
    const body = JSON.parse(text) as { error?: unknown; errors?: Array<{ message?: unknown }>; message?: unknown };
    const found = body.errors?.[0]?.message ?? body.error ?? body.message;
    if (typeof found === 'string') message = found;
  } catch {
    // not JSON: the text itself
  }
  return `: ${redact(firstLine(message)).slice(0, 200)}`;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return [error.message, code, cause?.code].filter((x) => x).join(' ');
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
