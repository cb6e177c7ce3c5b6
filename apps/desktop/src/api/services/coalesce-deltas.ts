import type { EngineEvent } from './ports';

/**
 * Passes engine events on as they come, merging consecutive deltas only while the consumer
 * has not yet taken the previous event (it is "in flight"). There is no timer: a fast
 * consumer sees every token on its own, a slow one (a busy socket) gets them in larger pieces.
 * `ready` is awaited before each hand-over, so a transport can hold events back until it has
 * flushed what it was given.
 */
export async function* coalesceDeltas(
  source: AsyncIterable<EngineEvent>,
  ready: () => Promise<void> = () => Promise.resolve(),
): AsyncGenerator<EngineEvent> {
  const queue: EngineEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;

  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const push = (event: EngineEvent) => {
    const last = queue[queue.length - 1];
    if (event.type === 'delta' && last?.type === 'delta') {
      queue[queue.length - 1] = {
        type: 'delta',
        text: last.text + event.text,
        tokens: last.tokens + event.tokens,
      };
    } else {
      queue.push(event);
    }
    notify();
  };

  void (async () => {
    try {
      for await (const event of source) push(event);
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      notify();
    }
  })();

  for (;;) {
    if (queue.length === 0 && !finished) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    await ready();
    const next = queue.shift();
    if (next) {
      yield next;
      continue;
    }
    if (failure) throw failure.error;
    return;
  }
}
