import 'reflect-metadata';
import { container } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { thrownMessage as messageOf } from '@ouroboros/core/testing';
import { parseFlags } from '../options/parse-flags.ts';
import { localExecutor } from './local-executor.ts';
import { slurmExecutor, slurmResources } from './slurm-executor.ts';
import { SweepExecutor } from './sweep-executor.ts';
import { executorNamed, registerSweepExecutors, sweepExecutors } from './sweep-executors.ts';
import type { SweepFile } from './sweep-file.ts';

describe('sweep executors', () => {
  it('are the local and SLURM implementations of SweepExecutor, registered under its token, local first', () => {
    expect(sweepExecutors().map((e) => e.name)).toEqual(['local', 'slurm']);
    expect(executorNamed('slurm')).toBe(slurmExecutor);
    expect(messageOf(() => executorNamed('pbs'))).toBe('--executor pbs: expected local or slurm');
  });

  it('take another implementation of the interface through the same token', () => {
    const pbs: SweepExecutor<{ queue?: string }> = {
      name: 'pbs',
      flags: z.object({ queue: z.string().optional() }),
      checkReplan: () => {},
      execute: async () => 0,
      view: () => null,
      cellStarted: () => {},
    };
    const child = registerSweepExecutors(container.createChildContainer());
    child.register(SweepExecutor, { useValue: pbs as SweepExecutor });
    const executors = sweepExecutors(child);
    expect(executors.map((e) => e.name)).toEqual(['local', 'slurm', 'pbs']);
    expect(messageOf(() => executorNamed('sge', executors))).toBe('--executor sge: expected local or slurm or pbs');
  });

  it('each read their own flags: local --jobs and --threads, SLURM its resources too, checked with one line naming the flag', () => {
    expect(parseFlags(localExecutor.flags, { jobs: '3', partition: 'gpu' })).toEqual({ jobs: 3, threads: undefined });
    const slurm = parseFlags(slurmExecutor.flags, { threads: '4', gpus: '1', partition: 'gpu', time: '2:00:00', sbatch: ['#SBATCH --account=lab', '--qos=short'], jobs: '5' });
    expect(slurmResources(slurm)).toEqual({ cpus: 4, threads: 4, gpus: 1, partition: 'gpu', time: '2:00:00', extra: ['--account=lab', '--qos=short'], parallel: 5 });
    expect(slurmResources(parseFlags(slurmExecutor.flags, { cpus: '2' }))).toEqual({ cpus: 2, extra: [] });
    expect(slurmResources(parseFlags(slurmExecutor.flags, {}))).toEqual({ cpus: 1, extra: [] });
    expect(messageOf(() => parseFlags(slurmExecutor.flags, { cpus: '0' }))).toBe('--cpus 0: expected a whole number >= 1');
    expect(messageOf(() => parseFlags(slurmExecutor.flags, { mem: '8 G' }))).toBe('--mem "8 G": expected one word without spaces');
    expect(messageOf(() => parseFlags(slurmExecutor.flags, { sbatch: ['--qos=short', 'account=lab'] }))).toBe('--sbatch "account=lab": expected an sbatch option such as --account=lab or --qos=short');
  });

  it('say what they know of a sweep beyond its run folders: local nothing, SLURM nothing before a submission', () => {
    const sweep = { name: 'grid', cells: [], slurm: [] } as unknown as SweepFile;
    expect(localExecutor.view('/nowhere', sweep)).toBeNull();
    expect(slurmExecutor.view('/nowhere', sweep)).toBeNull();
  });
});
