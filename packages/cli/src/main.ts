import 'reflect-metadata';
import { backendNames, ConfigError, RunInterrupted, type BackendName } from '@ouroboros/core';
import { parseArgs } from 'node:util';
import { datasetCommand } from './commands/dataset.ts';
import { doctorCommand } from './commands/doctor.ts';
import { pluginsCommand } from './commands/plugins.ts';
import { resumeCommand } from './commands/resume.ts';
import { runCommand } from './commands/run.ts';

export const usage = `usage: ouro <command> [options]

commands:
  run CONFIG [--out DIR] [--set path=value]... [--backend NAME] [--dry-run]
                      run an experiment (YAML or JSON config); --set values are YAML
  resume DIR          continue a run after its last committed generation
  plugins [--json]    list every plugin with its options
  dataset ID [--set key=value]... [--split train|test] [--seed N] [--grid FILE] [--json] [--cache DIR]
                      load a dataset as a run would; print its size, sample shape, value range,
                      class histogram; --grid writes the first 64 samples as a PNG
  doctor [--backend NAME]
                      show the tensor backend, its threads and a matmul speed

backends: ${backendNames.join(', ')}
`;

class UsageError extends Error {}

/** Runs one `ouro` command; returns the process exit code (0 ok, 1 failure, 2 usage, 130/143 stopped by SIGINT/SIGTERM). */
export async function main(argv: readonly string[], stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': {
        const { values, positionals } = parse(rest, {
          out: { type: 'string' },
          set: { type: 'string', multiple: true },
          backend: { type: 'string' },
          'dry-run': { type: 'boolean' },
        });
        const [configPath] = expectPositionals(positionals, 1, 'run CONFIG');
        return await runCommand(
          {
            configPath: configPath!,
            out: values.out as string | undefined,
            sets: (values.set as string[] | undefined) ?? [],
            backend: values.backend === undefined ? undefined : backendName(values.backend as string),
            dryRun: Boolean(values['dry-run']),
          },
          stdout,
          stderr,
        );
      }
      case 'resume': {
        const { positionals } = parse(rest, {});
        const [dir] = expectPositionals(positionals, 1, 'resume DIR');
        return await resumeCommand(dir!, stdout, stderr);
      }
      case 'plugins': {
        const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
        expectPositionals(positionals, 0, 'plugins');
        return await pluginsCommand(Boolean(values.json), stdout);
      }
      case 'dataset': {
        const { values, positionals } = parse(rest, {
          set: { type: 'string', multiple: true },
          split: { type: 'string' },
          seed: { type: 'string' },
          grid: { type: 'string' },
          json: { type: 'boolean' },
          cache: { type: 'string' },
        });
        const [id] = expectPositionals(positionals, 1, 'dataset ID');
        const split = (values.split as string | undefined) ?? 'train';
        if (split !== 'train' && split !== 'test') throw new UsageError(`--split ${split}: expected train or test`);
        const seed = Number((values.seed as string | undefined) ?? 0);
        if (!Number.isInteger(seed)) throw new UsageError(`--seed ${values.seed as string}: expected an integer`);
        return await datasetCommand(
          {
            id: id!,
            sets: (values.set as string[] | undefined) ?? [],
            split,
            seed,
            json: Boolean(values.json),
            ...(values.grid !== undefined ? { grid: values.grid as string } : {}),
            ...(values.cache !== undefined ? { cache: values.cache as string } : {}),
          },
          stdout,
          stderr,
        );
      }
      case 'doctor': {
        const { values, positionals } = parse(rest, { backend: { type: 'string' } });
        expectPositionals(positionals, 0, 'doctor');
        return await doctorCommand(backendName((values.backend as string | undefined) ?? 'auto'), stdout);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'; expected one of run, resume, plugins, dataset, doctor`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`ouro: ${message.split('\n')[0]}\n`);
    if (error instanceof RunInterrupted) return error.exitCode;
    if (error instanceof UsageError) {
      stderr.write(`run 'ouro --help' for usage\n`);
      return 2;
    }
    if (!(error instanceof ConfigError) && process.env.OURO_DEBUG) stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

type Options = Parameters<typeof parseArgs>[0] extends infer C ? (C extends { options?: infer O } ? NonNullable<O> : never) : never;

function parse(args: string[], options: Options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function expectPositionals(positionals: string[], count: number, form: string): string[] {
  if (positionals.length !== count) {
    throw new UsageError(`expected 'ouro ${form}', got ${positionals.length ? `'${positionals.join(' ')}'` : 'no arguments'}`);
  }
  return positionals;
}

function backendName(value: string): BackendName {
  if (!(backendNames as readonly string[]).includes(value)) throw new UsageError(`--backend ${value}: expected one of ${backendNames.join(', ')}`);
  return value as BackendName;
}
