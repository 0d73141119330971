import { ModelPlugin, type OuroborosPlugin } from '@ouroboros/core';
import { gaussianModelPlugin } from './gaussian-plugin.ts';

export const gaussianModels: OuroborosPlugin = {
  name: '@ouroboros/models-gaussian',
  register(container) {
    container.register(ModelPlugin, { useValue: gaussianModelPlugin });
  },
};
