
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
  /** Names of the positional arguments; a trailing `?` marks one that may be left out. */
  readonly positionals: readonly string[];
  readonly options: CommandOptions;
  readonly example: string;
  /** `ouro sweep plan`, `ouro sweep status`: commands chosen by the next word. */
  readonly subcommands?: readonly Command[];
  load(): Promise<CommandRun>;
}

const setOption: CommandOption = { type: 'string', multiple: true, valueName: 'PATH=VALUE', description: 'override a config field; the value is YAML (null removes the field)' };
/** The names `--backend` takes (checked against the core's list when the command runs). */
export const BACKENDS = 'auto, node-gpu, node, native, wasm, cpu';
const backendOption: CommandOption = { type: 'string', valueName: 'NAME', description: `tensor backend: ${BACKENDS}` };
const threadsOption: CommandOption = { type: 'string', valueName: 'N', description: 'threads the native libraries compute on (default: every core, or the config\'s threads)' };
const jsonOption: CommandOption = { type: 'boolean', description: 'print JSON' };
const allowPluginsOption: CommandOption = {
  type: 'boolean',
  description: "load the plugin code the config names in packages: (otherwise only packages installed with ouroboros load); only for a config or run folder you trust",
};

const sweepPlan: Command = {
  name: 'plan',
  summary: 'print the cells of a sweep config without running them',
  usage: 'sweep plan CONFIG [--set PATH=VALUE]... [--backend NAME] [--allow-plugins] [--json]',
  description: 'Expands matrix, include, exclude and seeds, checks every cell\'s config and prints each cell: its index, id (the run folder name) and axis values. Writes nothing.',
  positionals: ['CONFIG'],
  options: { set: setOption, backend: backendOption, 'allow-plugins': allowPluginsOption, json: jsonOption },
  example: 'ouro sweep plan examples/two-moons-sweep.yaml',
  load: async () => (await import('./commands/sweep.ts')).sweepPlan,
};

const sweepStatus: Command = {
  name: 'status',
  summary: 'show where each cell of a sweep folder stands (with SLURM, the array tasks too)',
  usage: 'sweep status DIR [--json]',
  description: 'Reads each cell\'s run folder (summary.json, run.lock) and, for a sweep submitted to SLURM, asks squeue (then sacct) for its array tasks. Brings the statuses in DIR/sweep.json up to date (unless a local sweep is running there).',
  positionals: ['DIR'],
  options: { json: jsonOption },
  example: 'ouro sweep status runs/two-moons-sweep',
  load: async () => (await import('./commands/sweep.ts')).sweepStatus,
};

export const commands: readonly Command[] = [
  {
    name: 'run',
    summary: 'run an experiment (YAML or JSON config)',
    usage: 'run CONFIG [--out DIR] [--set PATH=VALUE]... [--backend NAME] [--threads N] [--overwrite] [--dry-run [--allow-plugins]]  |  run --sweep DIR --cell K [--threads N] [--allow-plugins]',
    description:
      'Runs generations 0..G of the config into DIR (default runs/<name>/<cell-id>), checking the whole config first. With --sweep, runs cell K of a planned sweep in DIR/<cell-id> (what each sweep worker and SLURM array task runs): a finished cell is skipped, an interrupted one resumed.',
    positionals: ['CONFIG?'],
    options: {
      sweep: { type: 'string', valueName: 'DIR', description: "a sweep folder written by 'ouro sweep' (with --cell)" },
      cell: { type: 'string', valueName: 'K', description: 'the cell to run: its index in DIR/sweep.json (the SLURM array task id) or its id' },
      out: { type: 'string', valueName: 'DIR', description: 'run folder (an empty or new folder, or this config\'s failed run with --overwrite)' },
      set: setOption,
      backend: backendOption,
      threads: threadsOption,
      overwrite: { type: 'boolean', description: 'start again in a folder holding a failed or empty run of ouroboros' },
      'dry-run': { type: 'boolean', description: 'print the resolved config and the run folder, and stop' },
      'allow-plugins': allowPluginsOption,
    },
    example: 'ouro run examples/gaussian-collapse.yaml --out runs/collapse --set schedule.id=constant-lambda --set schedule.lambda=0.5',
    load: async () => (await import('./commands/run.ts')).run,
  },
  {
    name: 'resume',
    summary: 'continue a run from its last committed generation or mid-fit checkpoint',
    usage: 'resume DIR [--threads N] [--allow-plugins]',
    description: 'Continues the run in DIR with the config it was started with; the result equals an uninterrupted run. --threads may differ from the first run\'s (it is not part of the run\'s identity).',
    positionals: ['DIR'],
    options: { threads: threadsOption, 'allow-plugins': allowPluginsOption },
    example: 'ouro resume runs/collapse',
    load: async () => (await import('./commands/resume.ts')).resume,
  },
  {
    name: 'verify',
    summary: 'check a run folder: every checksum, store and generation',
    usage: 'verify DIR [--json]',
    description: 'Reads every committed file of the run in DIR and checks it against its recorded checksum and size; names each damaged file.',
    positionals: ['DIR'],
    options: { json: jsonOption },
    example: 'ouro verify runs/collapse',
    load: async () => (await import('./commands/verify.ts')).verify,
  },
  {
    name: 'wandb',
    summary: "upload a run's W&B spool (an offline run, or what an outage left)",
    usage: 'wandb sync DIR [--timeout SECONDS]',
    description:
      'Sends what the wandb tracker spooled in DIR/wandb to the W&B server, in order, after what the server already has; a failed request is retried with backoff, one line each, and the sync gives up once the server has taken nothing for --timeout seconds (what is left stays spooled); running it again continues.',
    positionals: ['sync', 'DIR'],
    options: { timeout: { type: 'string', valueName: 'SECONDS', description: 'give up once W&B has taken nothing for this long (default 300)' } },
    example: 'WANDB_API_KEY=... ouro wandb sync runs/collapse',
    load: async () => (await import('./commands/wandb.ts')).wandb,
  },
  {
    name: 'sweep',
    summary: 'run every cell of a sweep (matrix x seeds) in parallel processes or as a SLURM array',
    usage: 'sweep CONFIG [--out DIR] [--jobs N] [--threads N] [--executor local|slurm] [--set PATH=VALUE]... [--backend NAME] [SLURM options]',
    description:
      "Expands the config's matrix, include, exclude and seeds into cells, each a run in DIR/<cell-id> (default DIR: runs/<name>) listed in DIR/sweep.json. local: runs them in N worker processes, one cell per process (finished cells skipped, interrupted ones resumed, a failed one reported without stopping the others), then writes DIR/report.html and prints its path; exit 0 only when every cell finished. slurm: writes DIR/slurm/array.sbatch, one array task per unfinished cell, submits it with sbatch and prints the job id.",
    positionals: ['CONFIG'],
    options: {
      out: { type: 'string', valueName: 'DIR', description: 'the sweep folder (default runs/<name>): new, empty, or this sweep\'s' },
      jobs: { type: 'string', valueName: 'N', description: 'local: worker processes (default: the number of cores); slurm: most array tasks at once (default: no limit)' },
      executor: { type: 'string', valueName: 'local|slurm', description: 'where the cells run (default local)' },
      set: setOption,
      backend: backendOption,
      threads: {
        type: 'string',
        valueName: 'N',
        description: "threads per cell, over the cells' threads (default: local, the cores divided among the jobs; slurm, SLURM_CPUS_PER_TASK)",
      },
      partition: { type: 'string', valueName: 'NAME', description: 'slurm: #SBATCH --partition' },
      time: { type: 'string', valueName: 'LIMIT', description: 'slurm: #SBATCH --time per task, e.g. 2:00:00' },
      cpus: { type: 'string', valueName: 'N', description: 'slurm: #SBATCH --cpus-per-task, the threads of each task (default: --threads, else 1)' },
      gpus: { type: 'string', valueName: 'N', description: 'slurm: #SBATCH --gres=gpu:N per task' },
      mem: { type: 'string', valueName: 'SIZE', description: 'slurm: #SBATCH --mem per task, e.g. 8G' },
      sbatch: { type: 'string', multiple: true, valueName: 'DIRECTIVE', description: "slurm: another #SBATCH line, e.g. --sbatch='--account=lab'" },
      'no-submit': { type: 'boolean', description: 'slurm: write the array script and print the sbatch command, submit nothing' },
    },
    example: 'ouro sweep examples/gaussian-sweep.yaml --out runs/gaussian-sweep --jobs 2',
    subcommands: [sweepPlan, sweepStatus],
    load: async () => (await import('./commands/sweep.ts')).sweep,
  },
  {
    name: 'report',
    summary: 'write a sweep\'s report: metric curves, sample grids, final values (self-contained HTML + SVG)',
    usage: 'report DIR [--by AXIS]',
    description:
      'Reads every cell of the sweep in DIR and writes DIR/report.html (no network needed to view it) and DIR/report/<metric>.svg: each metric against generation, one line per group of cells differing only in seed (mean +- std over seeds), coloured by AXIS (default: the lambda axis when there is one), a grid of each cell\'s samples per generation, and a table of final values.',
    positionals: ['DIR'],
    options: { by: { type: 'string', valueName: 'AXIS', description: 'the axis lines are coloured by, e.g. schedule.lambda (other axes make panels)' } },
    example: 'ouro report runs/two-moons-sweep --by schedule.lambda',
    load: async () => (await import('./commands/report.ts')).report,
  },
  {
    name: 'theory',
    summary: "the stability certificate of Bertrand et al.'s Theorem 1 at generation 0 and, for the Gaussian, the exact expected dynamics",
    usage: 'theory CONFIG|RUN_DIR [--out DIR] [--set PATH=VALUE]... [--rows N] [--allow-plugins] [--json]',
    description:
      "Estimates at generation 0's parameters alpha (smallest eigenvalue of the negative Hessian of the expected log-likelihood: Lanczos on Hessian-vector products by finite differences of the model's gradients), L (Lipschitz constant in x of the per-sample Hessian, local) and epsilon (W1 between real rows and generation 0's samples), and the largest lambda with lambda (1 + L epsilon / alpha) < 1/2. For the gaussian model, the exact expected E[Sigma_t] and Cov(mu_t) under the run's schedule beside the run's own. A CONFIG runs its generation 0 first (in --out or runs/<name>/<cell-id>). Writes RUN_DIR/theory.json and summary.json's theory.",
    positionals: ['TARGET'],
    options: {
      out: { type: 'string', valueName: 'DIR', description: 'run folder for a CONFIG\'s generation 0' },
      set: setOption,
      rows: { type: 'string', valueName: 'N', description: 'real rows and samples the estimates use (default 512)' },
      'allow-plugins': allowPluginsOption,
      json: jsonOption,
    },
    example: 'ouro theory examples/gaussian-collapse.yaml',
    load: async () => (await import('./commands/theory.ts')).theory,
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
    name: 'fid',
    summary: 'FID (or FD on other features) between two folders or zips of images',
    usage: 'fid A B [--extractor ID] [--weights FILE] [--batch-size N] [--backend NAME] [--threads N] [--json]',
    description:
      "Reads the PNG/JPEG/WebP/TIFF images of two folders (recursively) or zips, decodes them as PIL's convert('RGB') does, computes their features and prints the Frechet distance between the Gaussians fitted to them: with inception-v3 (the default; pytorch-fid's weights file as --weights) it is the FID of pytorch-fid's and clean-fid's command lines.",
    positionals: ['A', 'B'],
    options: {
      extractor: { type: 'string', valueName: 'ID', description: 'feature extractor: inception-v3 (default, needs --weights), pixels, or any registered one' },
      weights: { type: 'string', valueName: 'FILE', description: "inception-v3's weights: pytorch-fid's pt_inception-2015-12-05-6726825d.pth or a safetensors file" },
      'batch-size': { type: 'string', valueName: 'N', description: 'inception-v3 images per forward pass (default 16)' },
      backend: backendOption,
      threads: threadsOption,
      json: { type: 'boolean', description: 'print {"fd", "extractor", "n_a", "n_b"} as JSON' },
    },
    example: 'ouro fid real/ generated.zip --weights pt_inception-2015-12-05-6726825d.pth',
    load: async () => (await import('./commands/fid.ts')).fid,
  },
  {
    name: 'doctor',
    summary: 'show the tensor backend, which library serves which op, its threads, and sgemm and conv speeds',
    usage: 'doctor [--backend NAME] [--threads N]',
    description:
      "Loads the tensor backend a run would use and reports why faster ones were passed over; with native libraries, which one serves each op, the threads each took, OpenBLAS's kernel family, oneDNN's version, runtime and 3x3 convolution code; then about a second each of a 512^3 sgemm and a 3x3 convolution, in GFLOP/s, on the native kernels and on wasm side by side.",
    positionals: [],
    options: { backend: backendOption, threads: threadsOption },
    example: 'ouro doctor --backend wasm',
    load: async () => (await import('./commands/doctor.ts')).doctor,
  },
];
