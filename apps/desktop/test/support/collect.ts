import { TRPCClientError } from '@trpc/client';
import type { TRPCClient } from '@trpc/client';
import type { AppRouter, GenerateInput, GenerationEvent } from '../../src/api';

export type Generation = {
  events: GenerationEvent[];
  /** Resolves with every event once the stream ends in `done` or `error`. */
  finished: Promise<GenerationEvent[]>;
  /** Resolves on the first `delta`. */
  firstDelta: Promise<void>;
  unsubscribe(): void;
};

/** Subscribes to one generation and records its events. */
export function generate(api: TRPCClient<AppRouter>, input: GenerateInput): Generation {
  const events: GenerationEvent[] = [];
  let finish: (events: GenerationEvent[]) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  let sawDelta: () => void = () => undefined;
  const finished = new Promise<GenerationEvent[]>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const firstDelta = new Promise<void>((resolve) => {
    sawDelta = resolve;
  });
  const subscription = api.messages.generate.subscribe(input, {
    onData({ data: event }) {
      events.push(event);
      if (event.type === 'delta') sawDelta();
      if (event.type === 'done' || event.type === 'error') finish(events);
    },
    onError: (error) => fail(error),
  });
  return { events, finished, firstDelta, unsubscribe: () => subscription.unsubscribe() };
}

export function textOf(events: GenerationEvent[]): string {
  return events.map((event) => (event.type === 'delta' ? event.text : '')).join('');
}

export async function waitFor<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The error a call failed with, as the client sees it; throws if the call succeeded. */
export async function rejection(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}
