import { flags, text } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { writeReport } from '../report/write-report.ts';

/** `ouro report DIR [--by AXIS]`: the sweep's self-contained HTML report and SVG figures. */
export const report = withFlags(flags({ by: text }), async ([dir], { by }, { stdout, stderr }) => {
  const note = (message: string) => stderr.write(`note: ${message}\n`);
  const path = await writeReport(dir!, { ...(by === undefined ? {} : { by }), note });
  stdout.write(`${path}\n`);
  return 0;
});
