import { pluginKinds, PluginRegistry, type AnyPluginDefinition } from '@ouroboros/core';
import { z } from 'zod';
import { bool, flags } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { buildContainer } from '../composition-root.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  enum?: unknown[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

/** `ouro plugins [--json]`: every plugin of every kind with its options. */
export const plugins = withFlags(flags({ json: bool }), async (_positionals, { json }, { stdout }) => {
  const registry = (await buildContainer()).resolve(PluginRegistry);
  const listing = pluginKinds.map((kind) => ({
    kind,
    plugins: registry.list(kind).map((plugin) => ({ id: plugin.id, description: plugin.description, options: optionsSchema(plugin) })),
  }));
  if (json) {
    stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  for (const { kind, plugins } of listing) {
    stdout.write(`${headings[kind] ?? `${kind}s`}:\n`);
    for (const plugin of plugins) {
      stdout.write(`  ${plugin.id.padEnd(18)} ${plugin.description}\n`);
      for (const line of optionLines(plugin.options, `  ${''.padEnd(18)}   `)) stdout.write(`${line}\n`);
    }
  }
  return 0;
});

/** Plural headings that are not the kind with an s. */
const headings: Record<string, string> = { features: 'feature extractors' };

/** `name: type, default …` per option, and an object's own options indented under it. */
function optionLines(schema: JsonSchema, indent: string): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, option]) => {
    const required = schema.required?.includes(name) && option.default === undefined;
    const nested = objectOf(option);
    const head = `${indent}${name}: ${nested ? describeObject(option) : describeOption(option)}${required ? ' (required)' : ''}`;
    const doc = option.description ?? option.anyOf?.find((a) => a.description)?.description;
    const lines = doc ? [head, `${indent}    ${doc}`] : [head];
    return nested ? [...lines, ...optionLines(nested, `${indent}  `)] : lines;
  });
}

/** The object schema inside an option (itself, or one alternative of a nullable one), if it has properties. */
function objectOf(schema: JsonSchema): JsonSchema | null {
  if (schema.properties) return schema;
  return schema.anyOf?.find((alternative) => alternative.properties) ?? null;
}

/** `object | null, default {…}` for an option whose fields are listed below it. */
function describeObject(schema: JsonSchema): string {
  const types = schema.anyOf ? schema.anyOf.map((a) => (a.properties ? 'object' : describeOption(a))).join(' | ') : 'object';
  return `${types}${schema.default === undefined ? '' : `, default ${JSON.stringify(schema.default)}`}, with:`;
}

function optionsSchema(plugin: AnyPluginDefinition): JsonSchema {
  return z.toJSONSchema(plugin.options as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** `number >= 0, default 0`, from a JSON schema. */
function describeOption(schema: JsonSchema): string {
  if (schema.anyOf) {
    const alternatives = schema.anyOf.map(describeOption).join(' | ');
    return schema.default === undefined ? alternatives : `${alternatives}, default ${JSON.stringify(schema.default)}`;
  }
  const parts: string[] = [];
  let type = Array.isArray(schema.type) ? schema.type.join('|') : (schema.type ?? 'any');
  if (type === 'array' && schema.items) type = `${describeOption(schema.items).split(',')[0]}[]`;
  parts.push(schema.enum ? schema.enum.map((v) => JSON.stringify(v)).join('|') : type);
  if (schema.minimum !== undefined) parts[0] += ` >= ${schema.minimum}`;
  if (schema.exclusiveMinimum !== undefined) parts[0] += ` > ${schema.exclusiveMinimum}`;
  if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) parts[0] += ` <= ${schema.maximum}`;
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}
