import { verifyRun } from '@ouroboros/core';
import { bool, flags } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { readMarker } from './resume.ts';

/** `ouro verify DIR`: every committed file against its checksum; exit 1 naming each damaged file. */
export const verify = withFlags(flags({ json: bool }), async ([dir], given, { stdout }) => {
  readMarker(dir!);
  const problems = verifyRun(dir!);
  if (given.json) stdout.write(`${JSON.stringify({ dir, ok: problems.length === 0, problems }, null, 2)}\n`);
  else if (problems.length === 0) stdout.write(`${dir}: every committed file matches its checksum\n`);
  else stdout.write(`${problems.join('\n')}\n${dir}: ${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
});
