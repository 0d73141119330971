// Compiles every workspace package into plain JavaScript in its dist/ (one esbuild bundle per
// entry point; npm dependencies and the other @ouroboros packages stay imports), so `ouro` starts
// without a TypeScript loader and each package can be packed as it stands. `--types` also writes
// the type declarations (tsc) beside the JavaScript. Runs from the root `prepare` script, i.e. on
// every `npm ci` / `npm install`. packages/cli/dist/build-info.json lists the sources and when they
// were compiled; bin/ouro.js falls back to the sources when one is newer.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { workspacePackages, workspaceRoot } from './workspace-packages.mjs';

/** Every bare import stays an import: npm packages and the other @ouroboros packages alike. */
const externalBare = {
  name: 'external-bare',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** The package an import specifier names (`@scope/name/sub` -> `@scope/name`). */
export function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bundles one package's entry points into its dist/; returns its metafile. */
async function buildPackage(pkg) {
  const dist = join(pkg.dir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const entryPoints = Object.fromEntries(pkg.entries.map((e) => [relative(dist, e.output).replace(/\.js$/, ''), e.source]));
  if (pkg.name === '@ouroboros/cli') entryPoints.main = join(pkg.dir, 'src', 'main.ts');
  const result = await build({
    absWorkingDir: workspaceRoot,
    entryPoints,
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(workspaceRoot, 'packages', 'cli', 'tsconfig.bin.json'),
    plugins: [externalBare],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

/** Imports a package's compiled files make that its package.json does not declare, one line each. */
function undeclaredImports(pkg, metafile) {
  const declared = new Set(['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(pkg.manifest[k] ?? {})));
  const problems = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || builtinModules.includes(path)) continue;
      if (!declared.has(packageOf(path))) problems.add(`${relative(workspaceRoot, join(pkg.dir, 'package.json'))}: dist imports '${path}', which is not among its dependencies or peerDependencies`);
    }
  }
  return [...problems];
}

/** Type declarations of every package (one tsc program), copied beside each package's JavaScript. */
function buildTypes(packages) {
  const out = mkdtempSync(join(tmpdir(), 'ouroboros-types-'));
  try {
    const tsc = join(workspaceRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-p', join(import.meta.dirname, 'tsconfig.types.json'), '--outDir', out, '--noCheck'], { stdio: 'inherit' });
    for (const pkg of packages) {
      const emitted = join(out, relative(join(workspaceRoot, 'packages'), pkg.dir), 'src');
      for (const file of walk(emitted)) {
        const target = join(pkg.dir, 'dist', relative(emitted, file));
        mkdirSync(dirname(target), { recursive: true });
        // A declaration's relative imports name the .js file that the .d.ts sits beside.
        writeFileSync(target, readFileSync(file, 'utf8').replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Builds every package; returns the packages. */
export async function buildAll({ types = false } = {}) {
  const started = performance.now();
  const packages = workspacePackages();
  const metafiles = await Promise.all(packages.map(buildPackage));
  const problems = packages.flatMap((pkg, i) => undeclaredImports(pkg, metafiles[i]));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const cli = packages.find((p) => p.name === '@ouroboros/cli');
  const sources = [...new Set(metafiles.flatMap((m) => Object.keys(m.inputs)))].filter((p) => !p.includes('node_modules'));
  writeFileSync(join(cli.dir, 'dist', 'build-info.json'), `${JSON.stringify({ builtAt: Date.now(), sources: sources.map((p) => relative(cli.dir, resolve(workspaceRoot, p))) }, null, 1)}\n`);
  if (types) buildTypes(packages);
  console.log(`ouro: compiled ${sources.length} sources of ${packages.length} packages into their dist/${types ? ' with type declarations' : ''} in ${Math.round(performance.now() - started)} ms`);
  return packages;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildAll({ types: process.argv.includes('--types') });
}
