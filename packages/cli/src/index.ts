export { main, usage } from './main.ts';
export { buildContainer, builtInPackages } from './composition-root.ts';
export { defaultRunDir } from './commands/run.ts';
