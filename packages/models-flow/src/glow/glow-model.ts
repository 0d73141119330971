import type { DataInfo, Rng } from '@ouroboros/core';
import type { TrainingOptions } from '@ouroboros/nn';
import { FlowModel, type FlowSampling } from '../flow-model.ts';
import { GlowFlow, type GlowArchitecture } from './glow-flow.ts';

/** The `glow` model: a GlowFlow trained by maximum likelihood on dequantized images (see FlowModel). */
export class GlowModel extends FlowModel {
  readonly family = 'glow';
  readonly architecture: GlowArchitecture;

  constructor(data: DataInfo, architecture: GlowArchitecture, training: TrainingOptions, sampling: FlowSampling, rng: Rng) {
    super(data, new GlowFlow(architecture, rng), training, sampling);
    this.architecture = architecture;
  }
}
