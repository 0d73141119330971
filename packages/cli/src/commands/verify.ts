import { verifyRun } from '@ouroboros/core';
import type { CommandRun } from '../commands.ts';
import { readMarker } from './resume.ts';

/** `ouro verify DIR`: every committed file against its checksum; exit 1 naming each damaged file. */
export const verify: CommandRun = async ([dir], values, { stdout }) => {
  readMarker(dir!);
  const problems = verifyRun(dir!);
  if (values.json) stdout.write(`${JSON.stringify({ dir, ok: problems.length === 0, problems }, null, 2)}\n`);
  else if (problems.length === 0) stdout.write(`${dir}: every committed file matches its checksum\n`);
  else stdout.write(`${problems.join('\n')}\n${dir}: ${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
};
