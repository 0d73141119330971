import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeLibraries } from '@ouroboros/nn';
import { ouro } from './testing/run-ouro.ts';

const libraries = nativeLibraries();
const skip = !(libraries.blas && libraries.dnnl);
if (skip) console.log(`native vs wasm run test skipped: ${[libraries.missing.blas, libraries.missing.dnnl].filter(Boolean).join('; ')}`);

/** A small conv net and an MLP flow: every kind of kernel the native path serves, a few seconds each. */
const configs = {
  'ddpm u-net on 16x16 shapes': `name: native-parity-unet
seed: 3
generations: 1
dataset: { id: shapes, resolution: 16, train: 32, test: 32 }
model: { id: ddpm, network: unet, unet: { channels: 8, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [], dropout: 0, groups: 4 }, sampler: ddim, steps: 3, boundTimesteps: 2 }
schedule: { id: constant-lambda, lambda: 0.5 }
train: { batchSize: 16, steps: 8 }
sampling: { count: 32 }
metrics: [ { id: fd }, { id: nll } ]
`,
  'realnvp on two moons': `name: native-parity-flow
seed: 4
generations: 1
dataset: { id: two-moons, train: 256, test: 256 }
model: { id: realnvp, couplings: 4, hidden: 32, depth: 2, batchSize: 64 }
schedule: { id: constant-lambda, lambda: 0.5 }
train: { steps: 30 }
metrics: [ { id: nll }, { id: fd }, { id: precision-recall, k: 3 } ]
`,
};

function history(dir: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe.skipIf(skip)('the same config and seed on the native kernels and on wasm', () => {
  it.each(Object.entries(configs))('%s: the same metrics to float32 rounding', async (_, yaml) => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-native-parity-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, yaml);
    const runs: Record<string, Array<Record<string, unknown>>> = {};
    for (const backend of ['native', 'wasm']) {
      const result = await ouro('run', config, '--out', join(dir, backend), '--backend', backend, '--set', 'trackers=[]');
      expect(result.code, result.stderr).toBe(0);
      runs[backend] = history(join(dir, backend));
    }
    const [native, wasm] = [runs.native!, runs.wasm!];
    expect(native.length).toBe(wasm.length);
    let compared = 0;
    let worst = 0;
    native.forEach((row, g) => {
      for (const [metric, value] of Object.entries(row)) {
        if (typeof value !== 'number' || metric === 'generation' || metric.endsWith('seconds')) continue;
        const other = wasm[g]![metric] as number;
        // a dozen Adam steps, then sampling, amplify float32 rounding differences to about 1e-5
        expect(Math.abs(value - other), `${metric} at generation ${g}: native ${value}, wasm ${other}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(other)));
        worst = Math.max(worst, Math.abs(value - other) / Math.max(1, Math.abs(other)));
        compared++;
      }
    });
    console.log(`${compared} metric values compared, largest relative difference ${worst.toExponential(2)}`);
    expect(compared).toBeGreaterThanOrEqual(4);
  });
});
