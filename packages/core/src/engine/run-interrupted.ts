/** Thrown when a run stops because its signal was aborted; committed generations stay and resume goes on. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
  /** 130 after SIGINT (Ctrl-C), 143 after SIGTERM (a job scheduler), as shells report them. */
  readonly exitCode: number;

  constructor(
    readonly dir: string,
    readonly generation: number,
    reason: unknown = 'SIGINT',
  ) {
    super(`interrupted during generation ${generation}; generations before it are committed; continue with 'ouro resume ${dir}'`);
    this.exitCode = reason === 'SIGTERM' ? 143 : 130;
  }
}

/** Resolves after pending I/O and signal callbacks have had their turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A stop point for long work: awaiting it lets signal handlers run (a macrotask turn, at most every
 * `everyMs`) and then throws once `signal` is aborted. Call it between the steps or batches of
 * anything that can take more than a second, so a stop request acts within seconds.
 */
export function stopPoint(signal: AbortSignal, everyMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last >= everyMs) {
      await yieldToEventLoop();
      last = performance.now();
    }
    signal.throwIfAborted();
  };
}
