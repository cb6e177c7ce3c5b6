import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../fixtures/index';
import { ModelHost } from './model-host';
import { MODEL_PROCESS_PROTOCOL_VERSION } from './protocol';
import type { FromProcessMessage, ToProcessMessage } from './protocol';

/** The model process's host in this process, its replies collected by request id. */
function startHost() {
  const replies: FromProcessMessage[] = [];
  const waiting = new Map<number, (message: FromProcessMessage) => void>();
  const host = new ModelHost(
    (message, onSent) => {
      replies.push(message);
      if (onSent) setImmediate(onSent);
      const requestId = 'requestId' in message ? message.requestId : undefined;
      const isLast = message.type !== 'event' || message.event.type !== 'delta';
      if (requestId !== undefined && isLast) waiting.get(requestId)?.(message);
    },
    () => performance.now(),
  );
  const reply = (requestId: number) =>
    new Promise<FromProcessMessage>((resolve) => waiting.set(requestId, resolve));
  host.handle({
    type: 'init',
    protocolVersion: MODEL_PROCESS_PROTOCOL_VERSION,
    settings: { gpu: false, savedStates: null },
  });
  return { host, replies, reply };
}

describe('ModelHost prefill', () => {
  const { host, reply } = startHost();
  const send = (message: ToProcessMessage) => {
    const answered = 'requestId' in message ? reply(message.requestId) : Promise.resolve();
    host.handle(message);
    return answered;
  };

  beforeAll(async () => {
    const loaded = await send({
      type: 'load',
      requestId: 1,
      model: { id: 'tiny', path: await ensureTinyModel() },
      // Pinning off: it would pin the test runner itself.
      options: {
        gpuLayers: 0,
        contextSize: 512,
        sequences: 2,
        threads: 1,
        cpuAffinity: 'off',
        keepInMemory: 'auto',
      },
    });
    expect(loaded).toMatchObject({ type: 'loaded' });
  }, 60_000);
  afterAll(() => send({ type: 'unload', requestId: 99 }));

  const params = { chatId: 'c', speculative: 'none' } as const;
  const draft = (content: string) => [{ role: 'user' as const, content }];

  it('skips a prefill that newer work arrived behind, and runs the newest one', async () => {
    const older = send({ type: 'prefill', requestId: 10, messages: draft('wr'), params });
    const newer = send({ type: 'prefill', requestId: 11, messages: draft('write'), params });
    expect(await older).toEqual({ type: 'prefilled', requestId: 10, tokens: 0 });
    const ran = await newer;
    if (ran?.type !== 'prefilled') throw new Error(`answered ${JSON.stringify(ran)}`);
    expect(ran.tokens).toBeGreaterThan(0);
  });

  it('never makes a chat wait for a prefill queued before it', async () => {
    const prefill = send({ type: 'prefill', requestId: 20, messages: draft('sort it'), params });
    const chat = send({
      type: 'chat',
      requestId: 21,
      messages: draft('sort'),
      params: { ...params, maxTokens: 4, temperature: 0 },
    });
    expect(await prefill).toEqual({ type: 'prefilled', requestId: 20, tokens: 0 });
    expect(await chat).toMatchObject({ type: 'event', event: { type: 'done' } });
  });

  it('answers a prefill without a model with a clear failure', async () => {
    const bare = startHost();
    const failed = bare.reply(1);
    bare.host.handle({ type: 'prefill', requestId: 1, messages: draft('a'), params });
    expect(await failed).toMatchObject({ type: 'failed', code: 'no-model-loaded' });
  });
});
