import { yieldToEventLoop, type FitReport, type RunContext, type TrainBudget, type TrainingSet } from '@ouroboros/core';
import { fitCheckpoints, type FitPosition } from './fit-checkpoint.ts';
import { MiniBatches } from './minibatches.ts';
import type { TrainedNetwork } from './trained-network.ts';

/** Losses averaged for the fit's reported training loss. */
const RECENT_LOSSES = 50;

/**
 * The one training loop. Step k of a fit reads mini-batch k (see MiniBatches) and draws its noise
 * from `ctx.rng.fork('step', k)`, so nothing depends on the steps before it but the model state.
 * It checks `ctx.signal` before every step, logs scalars of steps 0, logEvery, 2 logEvery, ... and the last, saves the complete
 * state to `ctx.checkpointDir` every `budget.checkpointEvery` steps or minutes and when stopped, and
 * continues from the latest checkpoint there when one exists: a fit stopped and resumed ends bit for
 * bit where an uninterrupted one does.
 */
export async function fitLoop(model: TrainedNetwork, train: TrainingSet, budget: TrainBudget, ctx: RunContext): Promise<FitReport> {
  const batches = new MiniBatches(train, budget.batchSize ?? model.training.batchSize, ctx.rng.fork('data'));
  const totalSteps = budget.steps ?? batches.stepsFor(budget.epochs ?? 1);
  let fitStep = 0;
  let recentLosses: number[] = [];
  const latest = fitCheckpoints.latest(ctx.checkpointDir);
  if (latest) {
    await model.restore(latest.stateDir);
    ({ fitStep, recentLosses } = latest.position);
    ctx.progress(fitStep / totalSteps, `continuing from the checkpoint at step ${fitStep}/${totalSteps}`);
  }
  const checkpoint = () => {
    const position: FitPosition = { fitStep, totalSteps, recentLosses };
    return fitCheckpoints.save(ctx.checkpointDir, position, (dir) => model.save(dir));
  };
  const every = budget.checkpointEvery ?? {};
  let lastSave = performance.now();
  let savedAt = fitStep;

  while (fitStep < totalSteps) {
    await yieldToEventLoop();
    if (ctx.signal.aborted) {
      if (savedAt !== fitStep) await checkpoint();
      break;
    }
    const raw = await batches.at(fitStep);
    const stats = model.trainStep(raw, ctx.rng.fork('step', fitStep));
    if (!Number.isFinite(stats.loss)) throw new Error(`training diverged: loss = ${stats.loss} at step ${fitStep} (model step ${model.step}); lower lr or set gradClip`);
    recentLosses = [...recentLosses.slice(-(RECENT_LOSSES - 1)), stats.loss];
    fitStep++;
    if ((fitStep - 1) % model.training.logEvery === 0 || fitStep === totalSteps) ctx.log({ ...stats }, fitStep - 1);
    ctx.progress(fitStep / totalSteps, `step ${fitStep}/${totalSteps} loss ${stats.loss.toPrecision(4)}`);
    const dueBySteps = every.steps !== undefined && fitStep % every.steps === 0;
    const dueByTime = every.minutes !== undefined && performance.now() - lastSave >= every.minutes * 60_000;
    if (fitStep < totalSteps && (dueBySteps || dueByTime)) {
      await checkpoint();
      lastSave = performance.now();
      savedAt = fitStep;
    }
  }
  const trainLoss = recentLosses.length ? recentLosses.reduce((a, b) => a + b, 0) / recentLosses.length : undefined;
  return { steps: fitStep - (latest?.position.fitStep ?? 0), ...(trainLoss !== undefined ? { trainLoss } : {}) };
}
