import * as tf from '@tensorflow/tfjs';
import type { Module } from '../layers/module.ts';
import { listNames, namedEntries, type Named } from './named.ts';
import { loadTensors } from './tensor-file.ts';

export interface AssignWeightsOptions {
  /** The module's parameter `p` is read from the entry `${prefix}p`; entries without the prefix are someone else's. */
  readonly prefix?: string;
  /** Missing or unexpected names are errors (like torch's `load_state_dict(strict=True)`); default true. */
  readonly strict?: boolean;
  /** Where the tensors came from, for errors. */
  readonly source?: string;
}

export interface AssignWeightsReport {
  readonly assigned: string[];
  /** Parameters with no entry; they keep their values. */
  readonly missing: string[];
  /** Entries under the prefix that name no parameter. */
  readonly unexpected: string[];
}

/**
 * Copies `tensors` into the module's variables by dotted name. Everything is checked before anything
 * is assigned, so a failed call leaves the module untouched. Shapes and dtypes must match even when not strict.
 */
export function assignModuleWeights(module: Module, tensors: Named<tf.Tensor>, options: AssignWeightsOptions = {}): AssignWeightsReport {
  const { prefix = '', strict = true, source = '<tensors>' } = options;
  const owner = module.constructor.name;
  const available = new Map(namedEntries(tensors).filter(([key]) => key.startsWith(prefix)));
  const pairs: Array<[tf.Variable, tf.Tensor]> = [];
  const report: AssignWeightsReport = { assigned: [], missing: [], unexpected: [] };
  for (const [name, variable] of module.namedParameters()) {
    const key = `${prefix}${name}`;
    const tensor = available.get(key);
    available.delete(key);
    if (tensor === undefined) {
      report.missing.push(name);
      continue;
    }
    if (!tf.util.arraysEqual(tensor.shape, variable.shape)) {
      throw new Error(`${source}: '${key}' has shape [${tensor.shape.join(', ')}], but ${owner} parameter '${name}' has shape [${variable.shape.join(', ')}]`);
    }
    if (tensor.dtype !== variable.dtype) throw new Error(`${source}: '${key}' is ${tensor.dtype}, but ${owner} parameter '${name}' is ${variable.dtype}`);
    pairs.push([variable, tensor]);
    report.assigned.push(name);
  }
  report.unexpected.push(...available.keys());
  const under = prefix ? ` under '${prefix}'` : '';
  if (strict && report.missing.length > 0) throw new Error(`${source}: no weights${under} for ${report.missing.length} ${owner} parameter(s): ${listNames(report.missing)}`);
  if (strict && report.unexpected.length > 0) throw new Error(`${source}: ${report.unexpected.length} entries${under} name no ${owner} parameter: ${listNames(report.unexpected)}`);
  for (const [variable, tensor] of pairs) variable.assign(tensor);
  return report;
}

/** Reads a safetensors file into the module's variables (see assignModuleWeights); the loaded tensors are disposed. */
export function loadModuleWeights(module: Module, path: string, options: Omit<AssignWeightsOptions, 'source'> = {}): AssignWeightsReport {
  const tensors = loadTensors(path);
  try {
    return assignModuleWeights(module, tensors, { ...options, source: path });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
