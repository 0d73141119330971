// Builds the `ouro` command: every workspace package compiled into its dist/ (tools/packaging/build.mjs).
await import('../../tools/packaging/build.mjs').then(({ buildAll }) => buildAll({ types: process.argv.includes('--types') }));
