export { main, usage } from './main.ts';
export { buildContainer, builtInPlugins } from './composition-root.ts';
export { defaultRunDir } from './commands/run.ts';
