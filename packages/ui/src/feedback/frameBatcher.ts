/**
 * Coalesces items that arrive faster than the screen refreshes. The first push of a frame
 * schedules one flush; pushes before it runs join the same batch. Tokens therefore reach the DOM
 * at most once per animation frame, however fast the engine produces them.
 */

export type FrameScheduler = {
  request: (callback: () => void) => number;
  cancel: (handle: number) => void;
};

export type FrameBatcher<T> = {
  push: (item: T) => void;
  /** Delivers what is pending now (used on `done`, so the last tokens are not a frame late). */
  flushNow: () => void;
  dispose: () => void;
};

export const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export function createFrameBatcher<T>(options: {
  scheduler: FrameScheduler;
  flush: (items: T[]) => void;
}): FrameBatcher<T> {
  let pending: T[] = [];
  let handle: number | null = null;
  const run = (): void => {
    handle = null;
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    options.flush(items);
  };
  return {
    push(item) {
      pending.push(item);
      if (handle === null) handle = options.scheduler.request(run);
    },
    flushNow() {
      if (handle !== null) options.scheduler.cancel(handle);
      run();
    },
    dispose() {
      if (handle !== null) options.scheduler.cancel(handle);
      handle = null;
      pending = [];
    },
  };
}
