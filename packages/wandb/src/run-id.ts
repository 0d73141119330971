import { createHash } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The W&B run id of an ouroboros run: 8 characters of [a-z0-9] (W&B's own form) drawn from sha256
 * of the cell id and the moment the folder's run was created (run.json's `createdAt`, which the
 * RunInfo and run.json both carry). A resumed run continues the same W&B run; another folder of
 * the same config, or the folder's run started again with --overwrite, gets a W&B run of its own.
 */
export function wandbRunId(run: { readonly runId: string; readonly createdAt: string }): string {
  const digest = createHash('sha256').update(`ouroboros-run:${run.runId}:${run.createdAt}`).digest();
  // 8 base-36 digits of the first 64 bits: 36^8 < 2^64, the bias is below 2^-21.
  let value = digest.readBigUInt64BE(0);
  let id = '';
  for (let i = 0; i < 8; i++) {
    id += ALPHABET[Number(value % 36n)];
    value /= 36n;
  }
  return id;
}
