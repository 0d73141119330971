/**
 * StrykerJS settings every package's stryker.config.mjs starts from: mutation testing of the files
 * that compute reported numbers (not run in CI: too slow for 2 cores). Run one package with
 * `cd packages/<name> && npx stryker run` (bench/results/mutation.md has the scores and the
 * surviving mutants judged equivalent). `mutate`: the package's formula files; `skipSpecs`: spec files
 * left out of the sandbox because they train for minutes (each mutant they cover would rerun them)
 * while faster specs pin the same formulas.
 *
 * The sandbox lives in <repo>/.stryker-tmp/sandbox-*, two folders below the repository root like a
 * package, so a package's `../../vitest.shared.ts` and tsconfig `extends` resolve there as in place.
 * Error and progress message text (StringLiteral mutants) is not mutated: no reported number passes
 * through it. Static mutants (module-level constants such as LOG_2PI, which only a run of every spec
 * of the package can test) are skipped (`ignoreStatic`, listed as Ignored in the report) to keep a
 * package near the hour on 2 cores. `incremental` reuses the results of mutants whose code and
 * covering tests did not change.
 */
export function strykerConfig({ mutate, skipSpecs = [] }) {
  return {
    mutate,
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.config.ts', related: true },
    plugins: ['@stryker-mutator/vitest-runner'],
    coverageAnalysis: 'perTest',
    concurrency: 1,
    tempDirName: '../../.stryker-tmp',
    // the sandbox is as deep as the package: tsconfig.json's `extends` needs no rewriting, so name no file to rewrite
    tsconfigFile: 'no-tsconfig-rewrite',
    cleanTempDir: 'always',
    ignorePatterns: ['dist', 'coverage', 'reports', '*.log', ...skipSpecs],
    mutator: { excludedMutations: ['StringLiteral'] },
    ignoreStatic: true,
    incremental: true,
    incrementalFile: 'reports/mutation/stryker-incremental.json',
    reporters: ['clear-text', 'progress-append-only', 'json'],
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    timeoutMS: 60_000,
    thresholds: { high: 90, low: 80, break: null },
  };
}
