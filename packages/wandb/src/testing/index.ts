export { WandbStandIn } from './wandb-stand-in.ts';
export type { Fault, FaultTarget, Route, RecordedRequest, StandInRun, StandInSweep } from './wandb-stand-in.ts';
export { runInfo, samplePng, driverLoss, driveGenerations, until, fastRetry, filesContaining } from './drive-tracker.ts';
