
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly valueName?: string;
  readonly description: string;
}
export type CommandOptions = Readonly<Record<string, CommandOption>>;

export interface Streams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** A command's implementation: positionals and parsed options in, exit code out. */
export type CommandRun = (positionals: string[], values: Record<string, string | boolean | string[] | undefined>, io: Streams) => Promise<number>;

/** One `ouro` command: its help, and its implementation loaded only when it runs (so `--help` starts fast). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description: string;
  readonly positionals: readonly string[];
  readonly options: CommandOptions;
  readonly example: string;
  load(): Promise<CommandRun>;
}

const setOption: CommandOption = { type: 'string', multiple: true, valueName: 'PATH=VALUE', description: 'override a config field; the value is YAML (null removes the field)' };
/** The names `--backend` takes (checked against the core's list when the command runs). */
export const BACKENDS = 'auto, node-gpu, node, wasm, cpu';
const backendOption: CommandOption = { type: 'string', valueName: 'NAME', description: `tensor backend: ${BACKENDS}` };

export const commands: readonly Command[] = [
  {
    name: 'run',
    summary: 'run an experiment (YAML or JSON config)',
    usage: 'run CONFIG [--out DIR] [--set PATH=VALUE]... [--backend NAME] [--overwrite] [--dry-run]',
    description: 'Runs generations 0..G of the config into DIR (default runs/<name>/<cell-id>), checking the whole config first.',
    positionals: ['CONFIG'],
    options: {
      out: { type: 'string', valueName: 'DIR', description: 'run folder (an empty or new folder, or this config\'s failed run with --overwrite)' },
      set: setOption,
      backend: backendOption,
      overwrite: { type: 'boolean', description: 'start again in a folder holding a failed or empty run of ouroboros' },
      'dry-run': { type: 'boolean', description: 'print the resolved config and the run folder, and stop' },
    },
    example: 'ouro run examples/gaussian-collapse.yaml --out runs/collapse --set schedule.id=constant-lambda --set schedule.lambda=0.5',
    load: async () => (await import('./commands/run.ts')).run,
  },
  {
    name: 'resume',
    summary: 'continue a run from its last committed generation or mid-fit checkpoint',
    usage: 'resume DIR',
    description: 'Continues the run in DIR with the config it was started with; the result equals an uninterrupted run.',
    positionals: ['DIR'],
    options: {},
    example: 'ouro resume runs/collapse',
    load: async () => (await import('./commands/resume.ts')).resume,
  },
  {
    name: 'verify',
    summary: 'check a run folder: every checksum, store and generation',
    usage: 'verify DIR [--json]',
    description: 'Reads every committed file of the run in DIR and checks it against its recorded checksum and size; names each damaged file.',
    positionals: ['DIR'],
    options: { json: { type: 'boolean', description: 'print the report as JSON' } },
    example: 'ouro verify runs/collapse',
    load: async () => (await import('./commands/verify.ts')).verify,
  },
  {
    name: 'wandb',
    summary: "upload a run's W&B spool (an offline run, or what an outage left)",
    usage: 'wandb sync DIR',
    description: 'Sends what the wandb tracker spooled in DIR/wandb to the W&B server, in order, after what the server already has; running it again continues.',
    positionals: ['sync', 'DIR'],
    options: {},
    example: 'WANDB_API_KEY=... ouro wandb sync runs/collapse',
    load: async () => (await import('./commands/wandb.ts')).wandb,
  },
  {
    name: 'plugins',
    summary: 'list every plugin with its options',
    usage: 'plugins [--json]',
    description: 'Lists the models, datasets, metrics, feature extractors, schedules and trackers that are available, with their options and defaults.',
    positionals: [],
    options: { json: { type: 'boolean', description: 'print JSON Schema of every plugin\'s options' } },
    example: 'ouro plugins --json',
    load: async () => (await import('./commands/plugins.ts')).plugins,
  },
  {
    name: 'dataset',
    summary: 'load a dataset as a run would: size, shape, value range, classes, a sample grid',
    usage: 'dataset ID [--set KEY=VALUE]... [--split train|test] [--seed N] [--grid FILE] [--json] [--cache DIR]',
    description:
      'Loads dataset ID through the registry with a run\'s option parsing and rng (relative paths from the working directory) and prints its size, sample shape, value range and class histogram: the way to check that ouroboros reads your files right.',
    positionals: ['ID'],
    options: {
      set: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'a dataset option; the value is YAML' },
      split: { type: 'string', valueName: 'SPLIT', description: 'the split to describe and draw: train (default) or test' },
      seed: { type: 'string', valueName: 'N', description: 'the run seed whose subset to show (limit, testLimit); default 0' },
      grid: { type: 'string', valueName: 'FILE', description: 'write the first 64 samples as a PNG grid (vectors: a scatter plot)' },
      json: { type: 'boolean', description: 'print count, splits, shape, range and classes (name -> count) as JSON' },
      cache: { type: 'string', valueName: 'DIR', description: 'where decoded images are cached; default <tmp>/ouroboros-datasets' },
    },
    example: 'ouro dataset cifar10 --set path=~/data/cifar-10-batches-py --set resolution=16 --grid cifar.png',
    load: async () => (await import('./commands/dataset.ts')).dataset,
  },
  {
    name: 'doctor',
    summary: 'show the tensor backend, its threads and a matmul speed',
    usage: 'doctor [--backend NAME]',
    description: 'Loads the tensor backend a run would use and reports why faster ones were passed over.',
    positionals: [],
    options: { backend: backendOption },
    example: 'ouro doctor --backend wasm',
    load: async () => (await import('./commands/doctor.ts')).doctor,
  },
];
