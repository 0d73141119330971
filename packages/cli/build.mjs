// Compiles the `ouro` command and every workspace package it uses into plain JavaScript in dist/
// (npm dependencies stay external), so the command starts without a TypeScript loader. Runs from
// the root `prepare` script, i.e. on every `npm ci` / `npm install`. dist/build-info.json lists the
// sources and their modification times; bin/ouro.js falls back to the sources when one is newer.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const workspace = resolve(here, '..', '..');
const outdir = join(here, 'dist');

/** Workspace packages are bundled from their TypeScript; every other bare import is left to node. */
const externalNpm = {
  name: 'external-npm',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@ouroboros/') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true }));
  },
};

const started = performance.now();
const result = await build({
  absWorkingDir: workspace,
  entryPoints: { main: join(here, 'src', 'main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  tsconfig: join(here, 'tsconfig.bin.json'),
  plugins: [externalNpm],
  metafile: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
mkdirSync(outdir, { recursive: true });
const sources = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules'));
const builtAt = Date.now();
writeFileSync(join(outdir, 'build-info.json'), `${JSON.stringify({ builtAt, sources: sources.map((p) => relative(here, resolve(workspace, p))) }, null, 1)}\n`);
console.log(`ouro: compiled ${sources.length} sources into ${relative(workspace, outdir)} in ${Math.round(performance.now() - started)} ms`);
