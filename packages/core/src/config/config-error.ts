import type { z } from 'zod';

/** A config problem, always one line naming the field path, the bad value and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * A failed zod parse as one line, `path.to.field = value: expected ...`, from its first issue:
 * `root` is the value parsed, `basePath` where it sits (`model`, `metrics.0`) when not at the top.
 */
export function zodErrorLine(error: z.ZodError, root: unknown, basePath = ''): string {
  return describeZodIssue(error.issues[0]!, root, basePath);
}

/** `path.to.field = value: expected ...` for one zod issue found in `root` under `basePath`. */
function describeZodIssue(issue: z.core.$ZodIssue, root: unknown, basePath = ''): string {
  const segments = issue.path.map(String);
  const path = [basePath, ...segments].filter(Boolean).join('.') || '(config)';
  const value = valueAt(root, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [path === '(config)' ? '' : path, k].filter(Boolean).join('.'));
    return `${keys.join(', ')}: unknown field${keys.length > 1 ? 's' : ''}; ${issue.message.replace(/^Unrecognized keys?: .*$/, 'remove or rename it')}`;
  }
  if (value === undefined) return `${path} is missing: ${expectation(issue)}`;
  return `${path} = ${showValue(value)}: ${expectation(issue)}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  const message = issue.message.replace(/^Invalid (input|option): /, '').replace(/^Too (small|big): /, '');
  return message.startsWith('expected') ? message : `expected ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function showValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
