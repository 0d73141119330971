import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseWandbJson } from '../wandb-json.ts';

/** What the stand-in does to a request instead of answering it properly. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** Never answers: the client's timeout or abort must end it. */
  | { readonly kind: 'hang' }
  /** Closes the connection before looking at the request. */
  | { readonly kind: 'drop' }
  /** Applies the request, then closes the connection without answering (the answer is lost on the way). */
  | { readonly kind: 'drop-after' };

export type Route = 'graphql' | 'file_stream' | 'upload';
/** Where a fault applies: every request, one route, or one GraphQL operation (`graphql:UpsertBucket`). */
export type FaultTarget = Route | 'any' | `graphql:${string}`;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly route: Route | 'unknown';
  /** The GraphQL operation name, for graphql requests. */
  readonly operation?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The parsed JSON body, for graphql and file_stream requests. */
  readonly json?: any;
  /** Milliseconds since the stand-in started. */
  readonly at: number;
  /** The status sent, or the fault applied. */
  answered: number | Fault['kind'];
}

/** One run as the stand-in stores it: files line by line, as the W&B backend keeps them. */
export interface StandInRun {
  readonly id: string;
  readonly name: string;
  readonly entity: string;
  readonly project: string;
  displayName: string | null;
  groupName: string | null;
  jobType: string | null;
  tags: string[];
  notes: string | null;
  /** The JSONString of UpsertBucket's `config`. */
  config: string | null;
  sweep: string | null;
  host: string | null;
  upserts: number;
  readonly history: Array<string | undefined>;
  readonly output: Array<string | undefined>;
  summary: string | null;
  readonly uploaded: Set<string>;
  /** Bytes PUT to each file's upload URL. */
  readonly files: Map<string, Buffer>;
  complete: boolean;
  exitcode: number | null;
}

export interface StandInSweep {
  readonly id: string;
  /** The YAML config as sent, and parsed. */
  readonly yaml: string;
  readonly config: Record<string, unknown>;
  readonly entityName: string | null;
  readonly projectName: string | null;
}

const DEFAULT_ENTITY = 'stand-in-user';
const DEFAULT_PROJECT = 'uncategorized';
const UPLOAD_HEADER = 'x-stand-in-upload';

/**
 * A W&B server for tests, on 127.0.0.1 only: GraphQL (UpsertBucket, RunResumeStatus,
 * CreateRunFiles, UpsertSweep), file_stream and pre-signed uploads, storing what it is sent as the
 * backend does (lines placed by offset) and recording every request. It can be told to answer
 * with a status (429 with Retry-After, 500, ...), hang, or drop connections, once or until `up()`.
 * `problems` lists protocol violations it saw: a missing or wrong Authorization header, credentials
 * sent to an upload URL, a gap in a history file, a history line rewritten with other content.
 */
export class WandbStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly runs: StandInRun[] = [];
  readonly sweeps: StandInSweep[] = [];
  readonly problems: string[] = [];
  /** Answer file_stream with {"stopped": true}, as when the user presses Stop in the UI. */
  stopRequested = false;
  private readonly queued: Array<{ target: FaultTarget; fault: Fault; left: number }> = [];
  private outage: { target: FaultTarget; fault: Fault } | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly began = Date.now();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly apiKey: string,
  ) {}

  static async start(apiKey: string): Promise<WandbStandIn> {
    let standIn: WandbStandIn | null = null;
    const server = createServer((req, res) => void standIn!.handle(req, res));
    server.on('connection', (socket) => {
      standIn?.sockets.add(socket);
      socket.on('close', () => standIn?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn = new WandbStandIn(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey);
    return standIn;
  }

  /** The environment that points the W&B clients at this stand-in, with its key and no netrc. */
  environment(): Record<'WANDB_API_KEY' | 'WANDB_BASE_URL' | 'NETRC', string> {
    return { WANDB_API_KEY: this.apiKey, WANDB_BASE_URL: this.url, NETRC: join(tmpdir(), `ouroboros-no-netrc-${process.pid}`) };
  }

  /** The next `times` requests to `target` get `fault`. */
  failNext(target: FaultTarget, fault: Fault, times = 1): void {
    this.queued.push({ target, fault, left: times });
  }

  /** Every request to `target` gets `fault` until `up()`. */
  down(fault: Fault, target: FaultTarget = 'any'): void {
    this.outage = { target, fault };
  }

  up(): void {
    this.outage = null;
  }

  /** The run named `name` (the W&B run id); throws when there is none. */
  run(name: string): StandInRun {
    const run = this.runs.find((r) => r.name === name);
    if (!run) throw new Error(`stand-in: no run ${name}; runs: ${this.runs.map((r) => r.name).join(', ') || 'none'}`);
    return run;
  }

  /** The parsed history rows of a run, in line order (a hole is an error). */
  history(name: string): Array<Record<string, any>> {
    const run = this.run(name);
    return Array.from(run.history, (line, i) => {
      if (line === undefined) throw new Error(`stand-in: run ${name} has no history line ${i}`);
      return parseWandbJson(line) as Record<string, any>;
    });
  }

  /** A run that already exists with these history lines (a run resumed on another machine). */
  seedRun(name: string, history: readonly Record<string, unknown>[], options: { entity?: string; project?: string; output?: readonly string[] } = {}): StandInRun {
    const run = this.newRun(name, options.entity ?? DEFAULT_ENTITY, options.project ?? DEFAULT_PROJECT);
    run.history.push(...history.map((row) => JSON.stringify(row)));
    run.output.push(...(options.output ?? []));
    run.summary = JSON.stringify(Object.assign({}, ...history));
    return run;
  }

  requestsTo(route: Route, operation?: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route && (operation === undefined || r.operation === operation));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', this.url).pathname;
    const route: Route | 'unknown' = path === '/graphql' ? 'graphql' : /^\/files\/[^/]+\/[^/]+\/[^/]+\/file_stream$/.test(path) ? 'file_stream' : path.startsWith('/upload/') ? 'upload' : 'unknown';
    let json: any;
    if (route !== 'upload') {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
    }
    const operation = route === 'graphql' ? /(?:mutation|query)\s+(\w+)/.exec(String(json?.query ?? ''))?.[1] : undefined;
    const recorded: RecordedRequest = { method: req.method ?? '', path, route, ...(operation ? { operation } : {}), headers: req.headers, body, json, at: Date.now() - this.began, answered: 0 };
    this.requests.push(recorded);

    const fault = route === 'unknown' ? null : this.faultFor(route, operation);
    if (fault?.kind === 'hang') return void (recorded.answered = 'hang');
    if (fault?.kind === 'drop') {
      recorded.answered = 'drop';
      return void req.socket.destroy();
    }
    if (fault?.kind === 'status') {
      recorded.answered = fault.status;
      return this.reply(res, fault.status, { errors: [{ message: `stand-in fault ${fault.status}` }] }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    }
    const [status, answer] = this.answer(route, path, req, json, body);
    if (fault?.kind === 'drop-after') {
      recorded.answered = 'drop-after';
      return void req.socket.destroy();
    }
    recorded.answered = status;
    this.reply(res, status, answer);
  }

  private faultFor(route: Route, operation: string | undefined): Fault | null {
    const hits = (target: FaultTarget) => target === 'any' || target === route || target === `graphql:${operation}`;
    if (this.outage && hits(this.outage.target)) return this.outage.fault;
    const queued = this.queued.find((q) => hits(q.target));
    if (!queued) return null;
    if (--queued.left === 0) this.queued.splice(this.queued.indexOf(queued), 1);
    return queued.fault;
  }

  private answer(route: Route | 'unknown', path: string, req: IncomingMessage, json: any, body: Buffer): [number, unknown] {
    if (route === 'upload') return this.upload(path, req, body);
    if (route === 'unknown') return [404, { error: `no route ${path}` }];
    const expected = `Basic ${Buffer.from(`api:${this.apiKey}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      this.problems.push(`${route}: Authorization header ${req.headers.authorization === undefined ? 'missing' : 'wrong'}`);
      return [401, { errors: [{ message: 'user is not logged in' }] }];
    }
    if (json === undefined) return [400, { errors: [{ message: 'body is not JSON' }] }];
    if (route === 'file_stream') return this.fileStream(path, json);
    try {
      return [200, { data: this.graphql(String(json.query ?? ''), json.variables ?? {}) }];
    } catch (error) {
      return [200, { errors: [{ message: (error as Error).message }] }];
    }
  }

  private graphql(query: string, v: Record<string, any>): unknown {
    const operation = /(?:mutation|query)\s+(\w+)/.exec(query)?.[1];
    switch (operation) {
      case 'UpsertBucket': {
        const entity = v.entity ?? DEFAULT_ENTITY;
        const project = v.project ?? DEFAULT_PROJECT;
        if (typeof v.name !== 'string') throw new Error('UpsertBucket: name is required');
        if (v.sweep != null && !this.sweeps.some((s) => s.id === v.sweep)) throw new Error(`sweep ${v.sweep} not found`);
        const found = this.runs.find((r) => r.name === v.name && r.entity === entity && r.project === project);
        if (v.id != null && found && found.id !== v.id) throw new Error(`UpsertBucket: id ${v.id} is not run ${v.name}`);
        const run = found ?? this.newRun(v.name, entity, project);
        run.upserts++;
        if (v.displayName != null) run.displayName = v.displayName;
        if (v.groupName != null) run.groupName = v.groupName;
        if (v.jobType != null) run.jobType = v.jobType;
        if (v.tags != null) run.tags = v.tags;
        if (v.notes != null) run.notes = v.notes;
        if (v.config != null) run.config = v.config;
        if (v.sweep != null) run.sweep = v.sweep;
        if (v.host != null) run.host = v.host;
        return {
          upsertBucket: {
            bucket: { id: run.id, name: run.name, displayName: run.displayName, description: null, config: run.config, sweepName: run.sweep, project: projectOf(run), historyLineCount: run.history.length },
            inserted: !found,
          },
        };
      }
      case 'RunResumeStatus': {
        const entity = v.entity ?? DEFAULT_ENTITY;
        const project = v.project ?? DEFAULT_PROJECT;
        const run = this.runs.find((r) => r.name === v.name && r.entity === entity && r.project === project);
        const bucket = run && {
          id: run.id,
          name: run.name,
          summaryMetrics: run.summary,
          displayName: run.displayName,
          logLineCount: run.output.length,
          historyLineCount: run.history.length,
          eventsLineCount: 0,
          historyTail: JSON.stringify(run.history.slice(-10)),
          eventsTail: '[]',
          config: run.config,
          tags: run.tags,
          notes: run.notes,
        };
        return { model: { id: `project-${project}`, name: project, entity: { id: entity, name: entity }, bucket: bucket ?? null } };
      }
      case 'CreateRunFiles': {
        const run = this.runs.find((r) => r.name === v.run && r.entity === v.entity && r.project === v.project);
        if (!run) throw new Error(`CreateRunFiles: no run ${v.entity}/${v.project}/${v.run}`);
        return {
          createRunFiles: {
            runID: run.id,
            uploadHeaders: [`X-Stand-In-Upload: ${run.id}`],
            files: (v.files as string[]).map((name) => ({ name, uploadUrl: `${this.url}/upload/${run.id}/${encodeURIComponent(name)}?signature=stand-in` })),
          },
        };
      }
      case 'UpsertSweep': {
        const config = parseYaml(String(v.config ?? '')) as Record<string, unknown>;
        if (typeof config !== 'object' || config === null || !('method' in config)) throw new Error('UpsertSweep: config has no method');
        const sweep = { id: `sw${String(this.sweeps.length + 1).padStart(6, '0')}`, yaml: String(v.config), config, entityName: v.entityName ?? null, projectName: v.projectName ?? null };
        this.sweeps.push(sweep);
        return { upsertSweep: { sweep: { name: sweep.id, project: { id: 'p', name: sweep.projectName ?? DEFAULT_PROJECT, entity: { id: 'e', name: sweep.entityName ?? DEFAULT_ENTITY } } }, configValidationWarnings: [] } };
      }
      default:
        throw new Error(`stand-in: unknown operation ${operation ?? '(none)'}`);
    }
  }

  private fileStream(path: string, body: any): [number, unknown] {
    const [, , entity, project, name] = path.split('/').map(decodeURIComponent);
    const run = this.runs.find((r) => r.name === name && r.entity === entity && r.project === project);
    if (!run) return [404, { error: `run ${entity}/${project}/${name} not found` }];
    for (const [file, chunk] of Object.entries((body.files ?? {}) as Record<string, { offset: number; content: string[] }>)) {
      if (file === 'wandb-history.jsonl') this.place(run.history, chunk, `${name} history`, false);
      else if (file === 'output.log') this.place(run.output, chunk, `${name} output.log`, true);
      else if (file === 'wandb-summary.json') {
        if (chunk.offset !== 0) this.problems.push(`${name}: summary at offset ${chunk.offset}, expected 0`);
        run.summary = chunk.content[chunk.content.length - 1] ?? null;
      }
    }
    for (const file of (body.uploaded ?? []) as string[]) {
      if (!run.files.has(file)) this.problems.push(`${name}: ${file} listed as uploaded before its PUT`);
      run.uploaded.add(file);
    }
    if (body.complete === true) {
      run.complete = true;
      run.exitcode = body.exitcode ?? null;
    }
    return [200, this.stopRequested ? { stopped: true } : {}];
  }

  /** Lines placed at their offset; history may be resent only with the same content, and never leave a gap. */
  private place(lines: Array<string | undefined>, chunk: { offset: number; content: string[] }, what: string, overwrite: boolean): void {
    if (chunk.offset > lines.length) this.problems.push(`${what}: offset ${chunk.offset} leaves a gap after line ${lines.length - 1}`);
    chunk.content.forEach((line, i) => {
      const at = chunk.offset + i;
      if (!overwrite && lines[at] !== undefined && lines[at] !== line) this.problems.push(`${what}: line ${at} rewritten with other content`);
      lines[at] = line;
    });
  }

  private upload(path: string, req: IncomingMessage, body: Buffer): [number, unknown] {
    if (req.method !== 'PUT') return [405, { error: 'PUT expected' }];
    if (req.headers.authorization !== undefined) this.problems.push(`upload ${path}: sent W&B credentials to a pre-signed URL`);
    const [, , id, encoded] = path.split('/');
    const run = this.runs.find((r) => r.id === id);
    if (!run) return [404, { error: 'no such upload' }];
    if (req.headers[UPLOAD_HEADER] !== run.id) this.problems.push(`upload ${path}: the upload header from CreateRunFiles is missing`);
    run.files.set(decodeURIComponent(encoded!), body);
    return [200, {}];
  }

  private newRun(name: string, entity: string, project: string): StandInRun {
    const run: StandInRun = {
      id: `bucket-${this.runs.length + 1}`,
      name,
      entity,
      project,
      displayName: null,
      groupName: null,
      jobType: null,
      tags: [],
      notes: null,
      config: null,
      sweep: null,
      host: null,
      upserts: 0,
      history: [],
      output: [],
      summary: null,
      uploaded: new Set(),
      files: new Map(),
      complete: false,
      exitcode: null,
    };
    this.runs.push(run);
    return run;
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}

function projectOf(run: StandInRun) {
  return { id: `project-${run.project}`, name: run.project, entity: { id: run.entity, name: run.entity } };
}
