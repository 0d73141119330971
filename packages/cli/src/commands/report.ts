import type { CommandRun } from '../commands.ts';
import { writeReport } from '../report/write-report.ts';

/** `ouro report DIR [--by AXIS]`: the sweep's self-contained HTML report and SVG figures. */
export const report: CommandRun = async ([dir], values, { stdout, stderr }) => {
  const note = (message: string) => stderr.write(`note: ${message}\n`);
  const path = await writeReport(dir!, { ...(values.by === undefined ? {} : { by: values.by as string }), note });
  stdout.write(`${path}\n`);
  return 0;
};
