import type { DataInfo, Rng } from '@ouroboros/core';
import type { TrainingOptions } from '@ouroboros/nn';
import { FlowModel, type FlowSampling } from '../flow-model.ts';
import { RealNvpFlow, type RealNvpArchitecture } from './realnvp-flow.ts';

/** The `realnvp` model: a RealNvpFlow trained by maximum likelihood (see FlowModel). */
export class RealNvpModel extends FlowModel {
  readonly family = 'realnvp';
  readonly architecture: RealNvpArchitecture;

  constructor(data: DataInfo, architecture: RealNvpArchitecture, training: TrainingOptions, sampling: FlowSampling, rng: Rng) {
    super(data, new RealNvpFlow(architecture, data.sampleShape, rng), training, sampling);
    this.architecture = architecture;
  }
}
