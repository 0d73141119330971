// `npm run pack [-- --out DIR]`: builds every workspace package (JavaScript and type declarations)
// and packs each with `npm pack` into DIR (default packs/), checking that every tarball holds the
// files its `exports` and `bin` name and that the @ouroboros versions it depends on are the ones
// packed beside it. Prints one tarball path a line: `npm install -g packs/*.tgz` installs ouro.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAll } from './build.mjs';
import { workspaceRoot } from './workspace-packages.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: join(workspaceRoot, 'packs') } } });
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

/** The files a package's manifest promises: every exports target but the source condition's, and its bin. */
function promisedFiles(manifest) {
  const targets = Object.values(manifest.exports ?? {}).flatMap((target) => Object.entries(target).filter(([condition]) => condition !== '@ouroboros/source').map(([, path]) => path));
  return [...targets, ...Object.values(manifest.bin ?? {})].map((path) => path.replace(/^\.\//, ''));
}

const packages = await buildAll({ types: true });
const versions = new Map(packages.map((p) => [p.name, p.manifest.version]));
const problems = [];
const tarballs = [];
for (const pkg of packages) {
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(pkg.manifest[field] ?? {})) {
      if (versions.has(name) && versions.get(name) !== range) problems.push(`${pkg.name}: ${field} ${name}@${range}, but ${name} is ${versions.get(name)}`);
    }
  }
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: pkg.dir, encoding: 'utf8' }));
  const files = new Set(packed.files.map((f) => f.path));
  for (const path of promisedFiles(pkg.manifest)) if (!files.has(path)) problems.push(`${pkg.name}: ${packed.filename} lacks ${path}, which its package.json names`);
  tarballs.push(join(out, packed.filename));
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(tarballs.join('\n'));
