import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One Nx project as the boundary rules see it. */
export interface Project {
  name: string;
  packageName: string;
  root: string;
  tags: string[];
  dependencies: string[];
  /** Every import specifier of every source file: [file, specifier]. */
  imports: Array<[string, string]>;
}

/**
 * Which internal projects a project of each type may import, arrows only downward: core imports
 * nothing internal, libs import core, plugins import core and libs, only the CLI (type:app)
 * imports everything.
 */
export const allowedInternalTypes: Record<string, readonly string[]> = {
  'type:core': [],
  'type:lib': ['type:core'],
  'type:plugin': ['type:core', 'type:lib'],
  'type:app': ['type:core', 'type:lib', 'type:plugin'],
  'type:tools': [],
  // bench/: benchmarks of any package's public API (and its test kit); no package imports bench
  'type:bench': ['type:core', 'type:lib', 'type:plugin', 'type:app'],
};

/** Entry points other packages may import: the public index and the test kit (`testing`, for tests and bench only). */
const publicSubpaths = new Set(['', '/testing']);

/** Import specifiers of a source file, as the TypeScript compiler's pre-processor finds them. */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Reads every project (a folder with project.json) under `packages/` and `tools/`. */
export function readProjects(workspaceRoot: string): Project[] {
  const roots = readdirSync(join(workspaceRoot, 'packages')).map((d) => join(workspaceRoot, 'packages', d));
  roots.push(join(workspaceRoot, 'tools'));
  return roots
    .filter((root) => existsSync(join(root, 'project.json')))
    .map((root) => {
      const project = JSON.parse(readFileSync(join(root, 'project.json'), 'utf8')) as { name: string; tags?: string[] };
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
      const deps = ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((k) => Object.keys((pkg[k] as Record<string, string>) ?? {}));
      const imports: Array<[string, string]> = [];
      for (const file of sourceFiles(root)) {
        for (const specifier of importsOf(readFileSync(file, 'utf8'))) imports.push([relative(workspaceRoot, file), specifier]);
      }
      return { name: project.name, packageName: pkg.name as string, root, tags: project.tags ?? [], dependencies: deps, imports };
    });
}

/** bench/ as a project: no package.json (it is never packed), so its imports need no declaration. */
export function readBench(workspaceRoot: string): Project {
  const root = join(workspaceRoot, 'bench');
  const imports: Array<[string, string]> = [];
  for (const file of sourceFiles(root, ['.'])) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) imports.push([relative(workspaceRoot, file), specifier]);
  }
  return { name: 'bench', packageName: '(bench)', root, tags: ['type:bench'], dependencies: [], imports };
}

/** Every violation of the module boundaries, one line each. */
export function checkBoundaries(projects: readonly Project[], workspaceRoot: string): string[] {
  const byPackage = new Map(projects.map((p) => [p.packageName, p]));
  const problems: string[] = [];
  for (const project of projects) {
    const type = project.tags.find((t) => t.startsWith('type:'));
    if (!type || !(type in allowedInternalTypes)) {
      problems.push(`${project.name}: project.json needs one of the tags ${Object.keys(allowedInternalTypes).join(', ')}`);
      continue;
    }
    for (const [file, specifier] of project.imports) {
      const forTests = isTestOnly(file) || type === 'type:bench';
      if (specifier.startsWith('.')) {
        const target = resolve(workspaceRoot, file, '..', specifier);
        if (!target.startsWith(project.root + '/')) problems.push(`${file}: '${specifier}' reaches outside ${project.name}; import its package instead`);
        else if (!forTests && /\/testing\//.test(`/${relative(project.root, target)}`)) problems.push(`${file}: '${specifier}' is test support; production code may not import it`);
        continue;
      }
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      const target = byPackage.get(packageName);
      if (target && target !== project) {
        const targetType = target.tags.find((t) => t.startsWith('type:')) ?? '(none)';
        if (!allowedInternalTypes[type]!.includes(targetType)) {
          problems.push(`${file}: a ${type} project may not import ${packageName} (${targetType})`);
        }
        if (!publicSubpaths.has(specifier.slice(packageName.length))) {
          problems.push(`${file}: '${specifier}' is not a public entry point; import '${packageName}' (src/index.ts)`);
        } else if (specifier.endsWith('/testing') && !forTests) {
          problems.push(`${file}: '${specifier}' is the test kit; production code may not import it (only specs, test support and bench)`);
        }
      }
      if (target !== project && !project.dependencies.includes(packageName) && !forTests) {
        problems.push(`${file}: imports '${packageName}', which ${project.packageName}'s package.json does not declare`);
      }
    }
  }
  return problems;
}

/** Specs and test support: test support lives in `testing/` folders (a package's `src/testing/` is its `testing` entry). */
function isTestOnly(file: string): boolean {
  return /\.spec\.ts$|\.e2e\.ts$|vitest\.config\.ts$|\/testing\//.test(file);
}

function sourceFiles(root: string, folders: readonly string[] = ['src', 'bin']): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(name)) out.push(path);
    }
  };
  for (const dir of folders) if (existsSync(join(root, dir))) walk(join(root, dir));
  return out;
}
