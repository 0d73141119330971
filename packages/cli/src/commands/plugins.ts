import { pluginKinds, PluginRegistry, type AnyPluginDefinition } from '@ouroboros/core';
import { z } from 'zod';
import type { CommandRun } from '../commands.ts';
import { buildContainer } from '../composition-root.ts';

interface JsonSchema {
  type?: string | string[];
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
export const plugins: CommandRun = async (_positionals, values, { stdout }) => {
  const json = Boolean(values.json);
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
    stdout.write(`${kind}s:\n`);
    for (const plugin of plugins) {
      stdout.write(`  ${plugin.id.padEnd(18)} ${plugin.description}\n`);
      for (const [name, schema] of Object.entries(plugin.options.properties ?? {})) {
        const required = plugin.options.required?.includes(name) && schema.default === undefined;
        stdout.write(`  ${''.padEnd(18)}   ${name}: ${describeOption(schema)}${required ? ' (required)' : ''}\n`);
      }
    }
  }
  return 0;
};

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
