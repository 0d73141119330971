import { existsSync, readFileSync } from 'node:fs';

/**
 * The password of `machine HOST` in a netrc file (how `wandb login` stores the API key: `machine
 * api.wandb.ai login user password KEY`), or undefined when the file or the machine is missing.
 * Tokens are separated by any whitespace; `default` applies when no machine matches.
 */
export function netrcPassword(path: string, host: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const tokens = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .split(/\s+/)
    .filter((token) => token !== '');
  let current: string | null = null;
  let fallback: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === 'machine') current = tokens[++i] ?? null;
    else if (token === 'default') current = '';
    else if (token === 'macdef') break;
    else if ((token === 'password' || token === 'login' || token === 'account') && i + 1 < tokens.length) {
      const value = tokens[++i]!;
      if (token !== 'password') continue;
      if (current === host) return value;
      if (current === '' && fallback === undefined) fallback = value;
    }
  }
  return fallback;
}
