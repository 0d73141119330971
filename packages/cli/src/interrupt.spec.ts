import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from './interrupt.ts';
import { Capture } from './testing/run-ouro.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('stopOnSignals', () => {
  it('takes a SIGTERM delivered twice at once (timeout signals the child and its group) as one stop request; a later one quits', () => {
    vi.useFakeTimers();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = new Capture();
    const interrupt = stopOnSignals(stderr as unknown as NodeJS.WritableStream);
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      expect(interrupt.signal.reason).toBe('SIGTERM');
      expect(exit).not.toHaveBeenCalled();
      vi.advanceTimersByTime(3000);
      process.emit('SIGTERM', 'SIGTERM');
      expect(exit).toHaveBeenCalledWith(143);
    } finally {
      interrupt.release();
    }
  });
});
