/**
 * Turns a callback subscription into an async iterable that ends when `signal` aborts. Values
 * that arrive faster than they are consumed are kept latest-per-key, so a slow client sees the
 * newest progress of each download rather than a growing backlog.
 */
export async function* listen<T>(options: {
  subscribe: (listener: (value: T) => void) => () => void;
  keyOf: (value: T) => string;
  signal: AbortSignal;
}): AsyncGenerator<T> {
  const pending = new Map<string, T>();
  let wake: (() => void) | undefined;
  const resume = () => {
    const callback = wake;
    wake = undefined;
    callback?.();
  };
  const unsubscribe = options.subscribe((value) => {
    pending.set(options.keyOf(value), value);
    resume();
  });
  options.signal.addEventListener('abort', resume, { once: true });
  try {
    while (!options.signal.aborted) {
      if (pending.size === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const values = [...pending.values()];
      pending.clear();
      for (const value of values) yield value;
    }
  } finally {
    unsubscribe();
    options.signal.removeEventListener('abort', resume);
  }
}
