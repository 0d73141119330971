import { z } from 'zod';

/** Options of the `wandb` tracker; each unset one falls back to the usual W&B environment variable. */
export const wandbOptions = z.strictObject({
  project: z.string().min(1).optional().describe('W&B project; default $WANDB_PROJECT, else `ouroboros`.'),
  entity: z.string().min(1).optional().describe("W&B entity (user or team); default $WANDB_ENTITY, else the default entity of the API key's user."),
  mode: z.enum(['online', 'offline', 'disabled']).optional().describe('`online` streams (and spools what cannot be sent), `offline` only spools (upload later with `ouro wandb sync DIR`), `disabled` does nothing; default $WANDB_MODE, else online.'),
  baseUrl: z.url().optional().describe('The W&B server; default $WANDB_BASE_URL, else https://api.wandb.ai.'),
  tags: z.array(z.string().min(1)).optional().describe('Tags of the run; default $WANDB_TAGS (comma-separated).'),
  group: z.string().min(1).optional().describe('Run group; default the sweep name, else $WANDB_RUN_GROUP.'),
  name: z.string().min(1).optional().describe('Display name of the run; default $WANDB_NAME, else `<experiment name>-<cell id>`.'),
  notes: z.string().optional().describe('Notes shown with the run; default $WANDB_NOTES.'),
  jobType: z.string().min(1).optional().describe('Job type; default $WANDB_JOB_TYPE, else `retrain`.'),
  sweep: z.string().min(1).optional().describe('Id of a W&B sweep to attach the run to (see registerGridSweep); default $WANDB_SWEEP_ID.'),
  stepEvery: z.int().min(1).default(10).describe('At most one row of training scalars per k optimizer steps of a generation (the first the fit logs in each stride of k; step 0 always).'),
  stepInterval: z.number().min(0).default(1).describe('At most one training-step row per this many seconds (0: no time limit, the rows then do not depend on speed).'),
  flushInterval: z.number().positive().default(5).describe('Seconds between two sends to the server: rows logged in between go in one request.'),
  heartbeat: z.number().positive().default(30).describe('Seconds without a send after which an empty request tells the server the run is alive.'),
  requestTimeout: z.number().positive().default(30).describe('Seconds one request may take before it is abandoned and retried.'),
  finishTimeout: z.number().min(0).max(25).default(20).describe('Seconds the end of a run waits for the spool to drain (at most 25: the engine gives a tracker 30 s); what is left stays spooled for `ouro wandb sync`.'),
  uploadCheckpoint: z.boolean().default(false).describe("Upload the last generation's model folder as run files `checkpoint/gen-XXX/...` when the run finishes."),
});

export type WandbOptions = z.infer<typeof wandbOptions>;
