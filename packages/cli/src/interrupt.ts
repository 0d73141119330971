/**
 * Ctrl-C once: the run stops at the next safe point (the current generation is dropped, earlier ones
 * stay committed). Ctrl-C twice: exit at once. Returns the signal and a function that removes the handler.
 */
export function stopOnSigint(stderr: NodeJS.WritableStream): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr.write('\nstopping at the next safe point (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}
