import { afterEach, beforeEach, vi } from 'vitest';
import { WandbStandIn } from '@ouroboros/wandb/testing';

/** A W&B stand-in started for each test of the file, its environment (key, URL, no netrc) stubbed in; the getter gives the current one. */
export function standInPerTest(key: string): () => WandbStandIn {
  let standIn: WandbStandIn;
  beforeEach(async () => {
    standIn = await WandbStandIn.start(key);
    for (const [name, value] of Object.entries(standIn.environment())) vi.stubEnv(name, value);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await standIn.close();
  });
  return () => standIn;
}
