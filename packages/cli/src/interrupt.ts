import { onNpxParentExit } from './parent-exit.ts';

const EXIT_CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * A signal this soon after the first is the same request delivered twice (`timeout` and a scheduler
 * signal the child and its whole process group), not a second one asking to quit at once.
 */
const SAME_REQUEST_MS = 2000;

/**
 * The first Ctrl-C (SIGINT) or SIGTERM (a job scheduler's stop) aborts the returned signal, with the
 * signal's name as reason: the run stops at the next safe point (committed generations and the
 * current fit's last checkpoint stay) and exits 130 or 143. A second one, 2 s or more later, exits at once. Under `npx`,
 * the end of npx's shell counts as a SIGTERM (npm passes a SIGTERM on to that shell only).
 */
export function stopOnSignals(stderr: NodeJS.WritableStream): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  let firstAt = 0;
  const handlers = (Object.keys(EXIT_CODES) as Array<keyof typeof EXIT_CODES>).map((name) => {
    const handler = () => {
      if (controller.signal.aborted && performance.now() - firstAt < SAME_REQUEST_MS) return;
      if (controller.signal.aborted) process.exit(EXIT_CODES[name]);
      firstAt = performance.now();
      stderr.write(`\n${name}: stopping at the next safe point (again to quit now)\n`);
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  const unwatch = onNpxParentExit(() => {
    if (controller.signal.aborted) return;
    stderr.write('\nthe npx process that started ouro ended: stopping at the next safe point as on SIGTERM\n');
    controller.abort('SIGTERM');
  });
  return {
    signal: controller.signal,
    release: () => {
      unwatch();
      handlers.forEach(([name, handler]) => process.off(name, handler));
    },
  };
}
