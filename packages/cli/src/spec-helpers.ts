import { main } from './main.ts';

/** Runs `ouro ARGS...` in this process, capturing what it writes: for specs. */
export async function ouro(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const capture = (append: (chunk: string) => void) => ({ write: (chunk: string) => (append(chunk), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(
    args,
    capture((c) => (stdout += c)),
    capture((c) => (stderr += c)),
  );
  return { code, stdout, stderr };
}

/** The experiment part of a sweep config of tiny Gaussian cells (a second each): specs add the sweep keys. */
export function tinyGaussianYaml(name: string): string {
  return `name: ${name}
seed: 0
generations: 3
dataset: { id: gaussian, dim: 2, train: 20, test: 200 }
model: { id: gaussian }
schedule: { id: constant-lambda, lambda: 0 }
sampling: { count: 200 }
metrics: [ { id: trace-ratio }, { id: fd } ]
`;
}
