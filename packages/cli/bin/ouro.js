#!/usr/bin/env node
// The `ouro` command. It runs the compiled JavaScript in ../dist: always in an installed package
// (which ships no sources), and in a checkout (built by `npm ci` through the root `prepare` script)
// when that is up to date with the sources; otherwise the TypeScript sources through tsx, every
// @ouroboros package read from its sources too, so an edit is never hidden behind a stale build.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);

function builtIsCurrent() {
  if (!existsSync(new URL('../src/', import.meta.url))) return true;
  const infoPath = fileURLToPath(new URL('build-info.json', dist));
  if (!existsSync(infoPath)) return false;
  const { builtAt, sources } = JSON.parse(readFileSync(infoPath, 'utf8'));
  const cli = new URL('..', import.meta.url);
  return sources.every((source) => {
    try {
      return statSync(new URL(source, cli)).mtimeMs <= builtAt;
    } catch {
      return false;
    }
  });
}

let main;
if (process.env.OURO_FROM_SOURCE !== '1' && builtIsCurrent()) {
  ({ main } = await import(new URL('main.js', dist).href));
} else {
  const { register: registerHooks } = await import('node:module');
  registerHooks(new URL('./source-condition.mjs', import.meta.url));
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.bin.json', import.meta.url)) });
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
