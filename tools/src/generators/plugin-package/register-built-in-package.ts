import { applyChangesToString, ChangeType, updateJson, type StringChange, type Tree } from '@nx/devkit';
import ts from 'typescript';

/** Where the cli lists the plugin packages that ship with ouroboros. */
export const COMPOSITION_ROOT = 'packages/cli/src/composition-root.ts';
const CLI_PACKAGE_JSON = 'packages/cli/package.json';
const BUILT_IN_LIST = 'builtInPackages';

/**
 * Makes `packageName` a built-in package of the cli: an import of `exportName` beside the other
 * `@ouroboros/` imports, an entry at the end of the `builtInPackages` array, and a dependency in
 * the cli's package.json. Idempotent: what is already there is left as it is.
 */
export function registerBuiltInPackage(tree: Tree, packageName: string, exportName: string): void {
  const source = tree.read(COMPOSITION_ROOT, 'utf8');
  if (source === null) throw new Error(`${COMPOSITION_ROOT}: not found; expected the cli's composition root (run the generator from the workspace root)`);
  tree.write(COMPOSITION_ROOT, withBuiltInPackage(source, packageName, exportName));
  updateJson(tree, CLI_PACKAGE_JSON, (pkg: { version: string; dependencies?: Record<string, string> }) => {
    const dependencies = { ...pkg.dependencies, [packageName]: pkg.dependencies?.[packageName] ?? pkg.version };
    pkg.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
    return pkg;
  });
}

/** The composition root's source with the import and the array entry added (unchanged when both exist). */
export function withBuiltInPackage(source: string, packageName: string, exportName: string): string {
  const file = ts.createSourceFile(COMPOSITION_ROOT, source, ts.ScriptTarget.Latest, true);
  const imports = file.statements.filter(ts.isImportDeclaration);
  const list = builtInList(file);
  const changes: StringChange[] = [];
  const imported = imports.some((d) => moduleOf(d) === packageName);
  if (!imported) {
    const internal = imports.filter((d) => moduleOf(d).startsWith('@ouroboros/'));
    const before = internal.find((d) => moduleOf(d).localeCompare(packageName) > 0);
    const after = internal.at(-1) ?? imports.at(-1);
    const line = `import { ${exportName} } from '${packageName}';`;
    if (before) changes.push({ type: ChangeType.Insert, index: before.getStart(), text: `${line}\n` });
    else changes.push(after ? { type: ChangeType.Insert, index: after.getEnd(), text: `\n${line}` } : { type: ChangeType.Insert, index: 0, text: `${line}\n` });
  }
  if (!list.elements.some((e) => ts.isIdentifier(e) && e.text === exportName)) {
    const last = list.elements.at(-1);
    changes.push(last ? { type: ChangeType.Insert, index: last.getEnd(), text: `, ${exportName}` } : { type: ChangeType.Insert, index: list.getStart() + 1, text: exportName });
  }
  return changes.length === 0 ? source : applyChangesToString(source, changes);
}

function moduleOf(declaration: ts.ImportDeclaration): string {
  return (declaration.moduleSpecifier as ts.StringLiteral).text;
}

/** The array literal initialising `builtInPackages`. */
function builtInList(file: ts.SourceFile): ts.ArrayLiteralExpression {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === BUILT_IN_LIST && declaration.initializer && ts.isArrayLiteralExpression(declaration.initializer)) {
        return declaration.initializer;
      }
    }
  }
  throw new Error(`${COMPOSITION_ROOT}: no 'const ${BUILT_IN_LIST} = [...]'; expected the array of built-in plugin packages`);
}
