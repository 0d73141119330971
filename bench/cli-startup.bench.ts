/**
 * Start-up time of the `ouro` command, compiled (dist/, what `npm ci` builds) against running the
 * TypeScript sources through tsx (OURO_FROM_SOURCE=1), alternating, from a folder outside the
 * repository. Run by hand: `npx tsx bench/cli-startup.bench.ts > bench/results/cli-startup.md`.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'packages', 'cli', 'bin', 'ouro.js');
const reps = 9;

function seconds(args: string[], fromSource: boolean): number {
  const started = performance.now();
  execFileSync(process.execPath, [bin, ...args], { cwd: os.tmpdir(), env: { ...process.env, OURO_FROM_SOURCE: fromSource ? '1' : '0' }, stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

execFileSync(process.execPath, [join(import.meta.dirname, '..', 'packages', 'cli', 'build.mjs')], { stdio: 'ignore' });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log('# `ouro` start-up\n');
console.log(`- date: ${new Date().toISOString().slice(0, 10)}; ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`- each command run ${reps} times per mode, modes alternating, from ${os.tmpdir()}; wall-clock seconds of the whole process\n`);
console.log('| command | compiled median (min-max) | from source median (min-max) | ratio |');
console.log('|---|---|---|---|');
for (const args of [['--version'], ['--help'], ['plugins'], ['run', '--help']]) {
  const compiled: number[] = [];
  const source: number[] = [];
  seconds(args, false);
  seconds(args, true);
  for (let i = 0; i < reps; i++) {
    compiled.push(seconds(args, false));
    source.push(seconds(args, true));
  }
  const show = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
  console.log(`| \`ouro ${args.join(' ')}\` | ${show(compiled)} | ${show(source)} | ${(median(source) / median(compiled)).toFixed(1)}x |`);
}
