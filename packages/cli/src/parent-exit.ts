/** How often the parent process is looked for. */
const PARENT_POLL_MS = 1000;

/**
 * Calls `onExit` once if this process was started by `npx` / `npm exec` and the process between
 * (npm's `sh -c`) ends first. npm passes a SIGTERM on to that shell only, which dies and leaves the
 * real run orphaned; its disappearance is the stop request. Elsewhere a parent that ends (a
 * shell that is logged out of, a `setsid`) is no reason to stop. Returns the stop of the watch.
 */
export function onNpxParentExit(onExit: () => void, env: NodeJS.ProcessEnv = process.env): () => void {
  if (env.npm_command !== 'exec') return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
