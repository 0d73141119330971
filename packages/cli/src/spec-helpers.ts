import { main } from './main.ts';

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
