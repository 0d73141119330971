import { main } from '../main.ts';

/** A writable stream that keeps what is written. */
export class Capture {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/** Runs `ouro ...args` in this process; returns the exit code and what it wrote. */
export async function ouro(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, stdout as unknown as NodeJS.WritableStream, stderr as unknown as NodeJS.WritableStream);
  return { code, stdout: stdout.text, stderr: stderr.text };
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
