import { RetrainingEngine, readJsonFile, writeJsonAtomic } from '@ouroboros/core';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadConfigForRun, resolveForRun } from '../config-loading.ts';
import { atLeast, bool, flags, text, texts } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { installedPluginsUnless } from '../plugin-loading/plugin-access.ts';
import { formatTheory } from '../theory/format-theory.ts';
import { runTheory } from '../theory/run-theory.ts';
import { UsageError } from '../usage-error.ts';
import { defaultRunDir } from './run.ts';
import { readMarker } from './resume.ts';

/** `ouro theory CONFIG|RUN_DIR`: the certificate and the Gaussian's expected dynamics, printed and kept in the run folder. */
const theoryFlags = flags({ out: text, set: texts, rows: atLeast(4), 'allow-plugins': bool, json: bool });

export const theory = withFlags(theoryFlags, async ([target], given, { stdout, stderr }, values) => {
  const rows = given.rows ?? 512;
  const access = installedPluginsUnless(given['allow-plugins'], 'ouro theory');
  const isRun = existsSync(target!) && statSync(target!).isDirectory();
  if (isRun && (values.set !== undefined || values.out !== undefined)) throw new UsageError('a RUN_DIR is analysed as it ran; --set and --out go with a CONFIG');
  const dir = isRun ? target! : await generationZero(target!, given, (line) => stderr.write(line));
  const marker = readMarker(dir);
  const { resolved } = await resolveForRun(marker.config, join(dir, 'run.json'), resolve(dir), [], undefined, access);
  stderr.write(`theory: estimating at generation 0 of ${dir}\n`);
  const report = await runTheory(dir, resolved, { rows, progress: (line) => stderr.write(`theory: ${line}\n`) });
  writeJsonAtomic(join(dir, 'theory.json'), report);
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? readJsonFile(summaryPath, z.record(z.string(), z.unknown()), 'the summary.json ouro writes') : {};
  writeJsonAtomic(summaryPath, { ...summary, theory: report });
  stdout.write(given.json ? `${JSON.stringify(report, null, 2)}\n` : formatTheory(dir, report));
  return 0;
});

/** Trains a CONFIG's generation 0 (generations = 0) into --out or its default run folder, reusing one already there. */
async function generationZero(configPath: string, given: z.output<typeof theoryFlags>, log: (line: string) => void): Promise<string> {
  const sets = [...given.set, 'generations=0'];
  const { resolved, container } = await loadConfigForRun(configPath, sets, (note) => log(`note: ${note}\n`), installedPluginsUnless(given['allow-plugins'], 'ouro theory'));
  const dir = given.out ?? defaultRunDir(resolved.config);
  if (existsSync(join(dir, 'gen-000', 'model'))) return dir;
  log(`theory: training generation 0 of ${configPath} into ${dir}\n`);
  await container.resolve(RetrainingEngine).run(resolved, dir, { interactive: false });
  return dir;
}
