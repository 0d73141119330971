import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { ouro, tinyGaussianYaml } from '../testing/run-ouro.ts';

const root = tempDir('ouro-theory-');
afterAll(() => root.cleanup());

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('ouro theory', () => {
  it('prints the certificate and the Gaussian expected dynamics of a run folder beside its own, into theory.json and summary.json', async () => {
    const config = join(root.dir, 'gaussian.yaml');
    writeFileSync(config, tinyGaussianYaml('theory-gaussian').replace('lambda: 0 }', 'lambda: 0.5 }').replace('train: 20', 'train: 60'));
    const dir = join(root.dir, 'run');
    expect((await ouro('run', config, '--out', dir)).code).toBe(0);
    const result = await ouro('theory', dir);
    expect(result.stderr).toContain('theory: alpha ~');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/largest certified lambda: 0\.\d+/);
    expect(result.stdout).toContain("this run's lambda: not certified");
    const theory = readJson(join(dir, 'theory.json'));
    expect(theory.schedule).toEqual({ id: 'constant-lambda', lambda: 0.5 });
    expect(theory.certificate.parameterCount).toBe(5);
    expect(theory.certificate.alpha).toBeGreaterThan(0);
    expect(theory.gaussian.syntheticCount).toBe(30);
    expect(theory.gaussian.curve.map((p: { generation: number }) => p.generation)).toEqual([0, 1, 2, 3]);
    const [first, ...rest] = theory.gaussian.curve;
    expect(first.trace).toBeCloseTo(first.expectedTrace, 5);
    expect(first.meanDrift).toBe(0);
    for (const p of rest) {
      expect(p.expectedTrace).toBeLessThan(first.expectedTrace);
      expect(p.trace).toBeGreaterThan(0);
      expect(p.expectedMeanDrift).toBeGreaterThan(0);
      expect(p.traceBand[0]).toBeLessThan(p.expectedTrace);
      expect(p.traceBand[1]).toBeGreaterThan(p.expectedTrace);
    }
    const summary = readJson(join(dir, 'summary.json'));
    expect(summary.status).toBe('finished');
    expect(summary.theory).toEqual(theory);
  });

  it('trains a config\'s generation 0 first, and gives the 2-D flow its certificate', async () => {
    const config = join(root.dir, 'flow.yaml');
    writeFileSync(
      config,
      `name: theory-flow
seed: 0
generations: 2
dataset: { id: two-moons, train: 64, test: 64, noise: 0.1 }
model: { id: realnvp, couplings: 2, hidden: 8, depth: 1, batchSize: 32 }
schedule: { id: constant-lambda, lambda: 0.5 }
train: { initial: { steps: 20 }, retrain: { steps: 5 } }
metrics: [ { id: nll } ]
`,
    );
    const dir = join(root.dir, 'flow');
    const result = await ouro('theory', config, '--out', dir, '--rows', '16');
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'gen-000', 'model'))).toBe(true);
    expect(existsSync(join(dir, 'gen-001'))).toBe(false);
    const { certificate, gaussian } = readJson(join(dir, 'theory.json'));
    expect(gaussian).toBeUndefined();
    expect(certificate.method.hessianVectorProducts).toBe('central finite differences of tfjs (float32) gradients');
    expect(certificate.method.rows).toBe(16);
    for (const key of ['alpha', 'lipschitz', 'epsilon', 'gradientNorm']) expect(Number.isFinite(certificate[key])).toBe(true);
    expect(result.stdout).toMatch(/alpha {3}= -?[\d.e+-]+ {2}smallest Ritz value/);
  }, 60_000);

  it('names a folder that is not a run', async () => {
    const result = await ouro('theory', root.dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('no run.json');
  });
});
