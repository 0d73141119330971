import { spawnSync } from 'node:child_process';

/**
 * A Python interpreter that can import every one of `modules`, for reference computations in tests
 * (Debian's python3-torch, -numpy, -scipy live under /usr/bin/python3, which a pyenv or venv
 * `python3` on PATH may hide). `OURO_PYTHON` overrides the search. Null when none has them.
 */
export function findPython(modules: readonly string[]): string | null {
  const candidates = [process.env.OURO_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => Boolean(c));
  const probe = modules.map((m) => `import ${m}`).join('; ') || 'pass';
  for (const python of candidates) {
    const result = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 60_000 });
    if (result.status === 0) return python;
  }
  return null;
}

/** Runs a Python script with `args`; throws with its stderr when it fails. Returns stdout. */
export function runPython(python: string, script: string, args: readonly string[] = [], timeoutMs = 300_000): string {
  const result = spawnSync(python, ['-c', script, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python reference failed (${result.status ?? result.signal}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return result.stdout;
}
