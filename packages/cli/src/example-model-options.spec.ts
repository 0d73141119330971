import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PluginRegistry, readConfigFile } from '@ouroboros/core';
import { buildContainer } from './composition-root.ts';

const examples = join(resolve(import.meta.dirname, '..', '..', '..'), 'examples');
const registry = (await buildContainer()).resolve(PluginRegistry);

// The examples keep the option names they were written with: earlier names (a diffusion model's
// `steps`, glow's `steps` and `evalBatchSize`, ddpm's `schedule`) must still bind, with a note each.
describe('the model options of every example', () => {
  for (const file of readdirSync(examples).filter((name) => name.endsWith('.yaml'))) {
    it(`${file}: binds, noting each earlier option name it uses`, () => {
      const { model } = readConfigFile(join(examples, file)) as { model: { id: string; init?: string } & Record<string, unknown> };
      const { init: _init, ...entry } = model;
      const bound = registry.bindModel(entry);
      const renamed = bound.plugin.renamedOptions ?? {};
      const earlier = Object.keys(entry).filter((key) => key in renamed);
      expect(bound.notes).toEqual(earlier.map((key) => `model.${key} is now called model.${renamed[key]}; the old name still works`));
      for (const key of earlier) expect(bound.options[renamed[key]!]).toEqual(entry[key]);
    });
  }
});
