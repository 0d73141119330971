import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ouroboros/nn';
import { otcfmModelPlugin } from './plugins/otcfm-plugin.ts';
import { fitTwoMoons, TWO_MOONS_FD, TWO_MOONS_OPTIONS } from './testing/fit-two-moons.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('otcfm on two-moons (wasm, the nn training loop)', () => {
  // Deterministic on a backend; see testing/fit-two-moons.ts for what the thresholds mean.
  it(`reaches fd < ${TWO_MOONS_FD} with at least 0.45 of its samples near the moons within 800 steps`, async () => {
    const { fd, near } = await fitTwoMoons(otcfmModelPlugin, { ...TWO_MOONS_OPTIONS, sampler: 'heun', samplerSteps: 20, batchSize: 128 }, 800);
    expect(fd).toBeLessThan(TWO_MOONS_FD);
    expect(near).toBeGreaterThanOrEqual(0.45);
  });
});
