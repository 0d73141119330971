import { container, type DependencyContainer } from 'tsyringe';
import { UsageError } from '../usage-error.ts';
import { localExecutor } from './local-executor.ts';
import { slurmExecutor } from './slurm-executor.ts';
import { SweepExecutor } from './sweep-executor.ts';

/** Registers the executors `ouro sweep --executor` chooses from: local (the default) and slurm. */
export function registerSweepExecutors(target: DependencyContainer): DependencyContainer {
  target.register(SweepExecutor, { useValue: localExecutor });
  target.register(SweepExecutor, { useValue: slurmExecutor as SweepExecutor });
  return target;
}

/** Every registered sweep executor, the default first. */
export function sweepExecutors(from: DependencyContainer = registerSweepExecutors(container.createChildContainer())): readonly SweepExecutor[] {
  return from.resolveAll(SweepExecutor);
}

/** The executor `--executor NAME` names, or a UsageError listing them. */
export function executorNamed(name: string, executors: readonly SweepExecutor[] = sweepExecutors()): SweepExecutor {
  const executor = executors.find((e) => e.name === name);
  if (!executor) throw new UsageError(`--executor ${name}: expected ${executors.map((e) => e.name).join(' or ')}`);
  return executor;
}
