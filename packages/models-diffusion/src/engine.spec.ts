import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig, SampleStore } from '@ouroboros/core';
import { engineScope, readHistory, tempDir, tinyImagesDatasetPlugin } from '@ouroboros/core/testing';
import { tensorBackend } from '@ouroboros/nn';
import { diffusionModelsPackage } from './register.ts';

const { registry, engine } = engineScope({ packages: [diffusionModelsPackage], plugins: { dataset: [tinyImagesDatasetPlugin] }, backend: tensorBackend });
const root = tempDir('diffusion-engine-');
afterAll(() => root.cleanup());

describe('a diffusion model in the retraining engine', () => {
  it('trains on labelled 8x8 images, stores uint8 samples with the labels it was asked for, previews them, and warm-starts the next generation', async () => {
    const config = resolveConfig(
      {
        name: 'tiny-images-ddpm',
        seed: 1,
        generations: 1,
        backend: 'wasm',
        dataset: { id: 'test-tiny-images', size: 8, train: 48, test: 16 },
        model: { id: 'ddpm', unet: { channels: 8, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [4], groups: 4 }, timesteps: 50, steps: 5, guidance: 2, sampleBatch: 16, logEvery: 2 },
        schedule: { id: 'constant-lambda', lambda: 0.5 },
        train: { steps: 4, batchSize: 16 },
        sampling: { count: 24 },
        metrics: [],
        trackers: [],
      },
      registry,
    );
    const dir = join(root.dir, 'run');
    const result = await engine.run(config, dir);
    expect(result.history.map((row) => row.generation)).toEqual([0, 1]);
    expect(readHistory(dir).every((row) => Number.isFinite(row.train_loss))).toBe(true);
    const samples = SampleStore.open(join(dir, 'gen-000', 'samples'));
    expect([samples.count, samples.labelled, samples.dtype]).toEqual([24, true, 'uint8']);
    expect((await samples.readLabels(0, 24)).every((label) => label >= 0 && label < 3)).toBe(true);
    expect(existsSync(join(dir, 'gen-000', 'samples.png'))).toBe(true);
    const steps = readFileSync(join(dir, 'gen-001', 'steps.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { step: number; loss: number });
    expect(steps.map((s) => s.step)).toEqual([0, 2, 3]);
    const saved = JSON.parse(readFileSync(join(dir, 'gen-001', 'model', 'model.json'), 'utf8')) as { family: string; step: number; architecture: { network: string; classes: number } };
    expect(saved).toMatchObject({ family: 'ddpm', step: 8, architecture: { network: 'unet', classes: 3 } });
  });
});
