import { describeModelConformance } from '@ouroboros/nn/testing';
import { ddpmModelPlugin } from './plugins/ddpm-plugin.ts';
import { edmModelPlugin } from './plugins/edm-plugin.ts';
import { otcfmModelPlugin } from './plugins/otcfm-plugin.ts';

// Every family with the MLP denoiser on the kit's 2-D vectors, tiny and fast; EMA, clipping and warm-up on.
const mlp = { network: 'mlp', mlp: { hidden: 16, layers: 2, timeEmbedding: 8 }, ema: 0.9, warmupSteps: 2, batchSize: 32, sampleBatch: 5 };
describeModelConformance('ddpm with the MLP', { plugin: ddpmModelPlugin, options: { ...mlp, timesteps: 20, samplerSteps: 5, eta: 0.5 } });
describeModelConformance('edm with the MLP', { plugin: edmModelPlugin, options: { ...mlp, samplerSteps: 4 } });
describeModelConformance('otcfm with the MLP (dopri5, Hutchinson likelihood)', { plugin: otcfmModelPlugin, options: { ...mlp, rtol: 1e-3, atol: 1e-3, likelihoodEstimator: 'hutchinson' } });
