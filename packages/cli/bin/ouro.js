#!/usr/bin/env node
// The `ouro` command: runs the TypeScript sources directly through tsx (no build step). tsconfig.bin.json
// gives every @ouroboros source its compiler settings (decorators) wherever ouro is called from, a
// project outside the workspace included.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.bin.json', import.meta.url)) });
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
