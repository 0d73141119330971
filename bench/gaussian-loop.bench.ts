/**
 * Seconds per generation of the quickstart loop (examples/gaussian-collapse.yaml) as the sample
 * count grows, on the wasm and cpu backends: the engine's own overhead plus fd, precision/recall
 * and nll. Run by hand: `npx tsx bench/gaussian-loop.bench.ts > bench/results/gaussian-loop.md`.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PluginRegistry, RetrainingEngine, readConfigFile, resolveConfig } from '@ouroboros/core';
import { buildContainer } from '@ouroboros/cli';

const generations = 5;
const container = await buildContainer();
const registry = container.resolve(PluginRegistry);
const engine = container.resolve(RetrainingEngine);
const raw = readConfigFile(join(import.meta.dirname, '..', 'examples', 'gaussian-collapse.yaml'));

console.log('# Gaussian retraining loop: seconds per generation\n');
console.log(`- date: ${new Date().toISOString().slice(0, 10)}`);
console.log(`- machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), Node ${process.version}`);
console.log(`- config: examples/gaussian-collapse.yaml, ${generations} generations, no trackers; mean over generations 1..${generations}`);
console.log('- metrics: fd, precision-recall (k = 3, at most 10,000 samples a side), nll on 2000 held-out points\n');
console.log('| backend | samples per generation | s per generation |');
console.log('|---|---|---|');
for (const backend of ['wasm', 'cpu']) {
  for (const count of [2_000, 20_000, 200_000]) {
    const dir = mkdtempSync(join(os.tmpdir(), 'ouro-bench-'));
    const config = resolveConfig(raw, registry, { overrides: [`backend=${backend}`, `generations=${generations}`, `sampling.count=${count}`, 'trackers=[]'] });
    process.stderr.write(`${backend} ${count}...\n`);
    const { history } = await engine.run(config, dir);
    const seconds = history.slice(1).map((row) => row.seconds!);
    console.log(`| ${backend} | ${count.toLocaleString('en')} | ${(seconds.reduce((a, b) => a + b, 0) / seconds.length).toFixed(3)} |`);
    rmSync(dir, { recursive: true, force: true });
  }
}
