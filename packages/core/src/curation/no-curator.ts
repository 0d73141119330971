import { z } from 'zod';
import type { CuratorPlugin } from '../contracts/curator.ts';

/** The samples as the model drew them: the paper's loop. */
export const noCurator: CuratorPlugin<Record<string, never>> = {
  id: 'none',
  description: 'the samples as the model drew them (the default)',
  options: z.strictObject({}),
  create: () => ({
    samplesToDraw: (needed) => needed,
    curate: async () => ({ reason: 'none' }),
  }),
};
