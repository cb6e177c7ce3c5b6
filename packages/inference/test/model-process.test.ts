import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_PROCESS_ENTRY, spawnNodeModelProcess } from '../src/llama/spawn-model-process';
import { MODEL_PROCESS_PROTOCOL_VERSION } from '../src/llama/protocol';

/** The real model process, spoken to over its raw channel: what an app with a bug would send. */
describe('the model process', () => {
  const child = spawnNodeModelProcess({ modulePath: MODEL_PROCESS_ENTRY });
  const received: unknown[] = [];
  const waiters: (() => void)[] = [];
  child.onMessage((message) => {
    received.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const reply = async (requestId: number): Promise<unknown> => {
    for (;;) {
      const found = received.find(
        (message) => (message as { requestId?: number }).requestId === requestId,
      );
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  afterAll(() => child.kill());

  it('answers a malformed request with a failure, and keeps serving', async () => {
    child.send({
      type: 'init',
      protocolVersion: MODEL_PROCESS_PROTOCOL_VERSION,
      settings: { gpu: false, savedStates: null },
    });
    child.send({ type: 'chat', requestId: 7, messages: 'not a list', params: {} });
    expect(await reply(7)).toMatchObject({
      type: 'failed',
      requestId: 7,
      code: 'invalid-params',
      message: expect.stringContaining('messages'),
    });
    child.send({ type: 'info', requestId: 8 });
    expect(await reply(8)).toMatchObject({ type: 'info', info: { model: null } });
  }, 60_000);
});
