import { main } from './main.ts';

class Capture {
  text = '';
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

/** Runs `ouro ARGS` in this process (for tests): its exit code and what it wrote to stdout and stderr. */
export async function ouro(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, stdout as unknown as NodeJS.WritableStream, stderr as unknown as NodeJS.WritableStream);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
