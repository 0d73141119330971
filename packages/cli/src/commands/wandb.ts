import { syncRun } from '@ouroboros/wandb';
import { flags, positiveInt } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { UsageError } from '../usage-error.ts';

/**
 * `ouro wandb sync DIR`: uploads what a run spooled for W&B (an offline run, or what an outage or a
 * finish timeout left) in order, after what the server already has. Running it again continues.
 */
export const wandb = withFlags(flags({ timeout: positiveInt }), async ([action, dir], { timeout }, { stdout, stderr }) => {
  if (action !== 'sync') throw new UsageError(`wandb ${action}: unknown action; expected 'ouro wandb sync DIR'`);
  const result = await syncRun(dir!, { log: (message) => stderr.write(`wandb: ${message}\n`), ...(timeout !== undefined ? { stallMs: timeout * 1000 } : {}) });
  if (result.left > 0) {
    throw new Error(`${dir}: ${result.left} W&B records not uploaded${result.failure ? ` (${result.failure})` : ''}; run 'ouro wandb sync ${dir}' again to continue`);
  }
  stdout.write(result.sent === 0 ? `${dir}: nothing to upload, W&B has everything\n` : `${dir}: uploaded ${result.sent} W&B records\n`);
  return 0;
});
