import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/load-config.ts';
import type { GenerativeModel, ModelPlugin } from '../contracts/model.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, gaussianRunConfig, normalDatasetPlugin, tempDir } from '../testing/index.ts';

/** What a sampling model was told about the previous generation: the folder, and whether its saved model was there. */
const seen: Array<{ generation: number; previousModelDir: string | undefined; saved: boolean }> = [];

function recording(model: GenerativeModel): GenerativeModel {
  return Object.assign(Object.create(model) as GenerativeModel, {
    sample: (n: number, ctx: Parameters<GenerativeModel['sample']>[1]) => {
      const dir = ctx.previousModelDir;
      seen.push({ generation: ctx.generation, previousModelDir: dir, saved: dir !== undefined && existsSync(join(dir, 'diagonal-gaussian.json')) });
      return model.sample(n, ctx);
    },
  });
}

const recordingPlugin: ModelPlugin<Record<string, never>> = {
  ...diagonalGaussianModelPlugin,
  id: 'test-recording-gaussian',
  create: (options, env) => recording(diagonalGaussianModelPlugin.create(options, env)),
  load: async (dir, options, env) => recording(await diagonalGaussianModelPlugin.load(dir, options, env)),
};

const { registry, engine } = engineScope({ plugins: { model: [recordingPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

describe("the previous generation's model in the run context", () => {
  it('is absent at generation 0 and names gen-(t-1)/model, already saved, when generation t samples (negative guidance loads its self model there)', async () => {
    const dir = join(root.dir, 'run');
    await engine.run(resolveConfig(gaussianRunConfig({ model: { id: 'test-recording-gaussian' } }), registry), dir);
    expect(seen).toEqual([
      { generation: 0, previousModelDir: undefined, saved: false },
      { generation: 1, previousModelDir: join(dir, 'gen-000', 'model'), saved: true },
      { generation: 2, previousModelDir: join(dir, 'gen-001', 'model'), saved: true },
    ]);
  });
});
