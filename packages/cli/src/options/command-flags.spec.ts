import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { commands, type Command } from '../commands.ts';
import { sweepExecutors } from '../sweep/sweep-executors.ts';
import type { FlagSchema } from './parse-flags.ts';

const everyCommand = commands.flatMap((c): Command[] => [c, ...(c.subcommands ?? [])]);

describe('each command\'s flags', () => {
  it('are read by its schema exactly as its help lists them (ouro sweep: its own and its executors\')', async () => {
    for (const command of everyCommand) {
      const run = (await command.load()) as { flags?: FlagSchema };
      expect(run.flags, command.name).toBeDefined();
      const read = new Set(Object.keys(run.flags!.shape));
      if (command.name === 'sweep' && command.subcommands) for (const executor of sweepExecutors()) for (const name of Object.keys(executor.flags.shape)) read.add(name);
      expect([...read].sort(), command.name).toEqual(Object.keys(command.options).sort());
    }
  });
});
