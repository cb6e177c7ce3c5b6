/**
 * A model process that speaks the protocol but misbehaves the way a wedged or
 * outdated real one could, chosen by its first argument:
 * - `ignore-abort`: streams one delta per chat, then ignores everything, aborts included;
 * - `hang-load`: never answers a load;
 * - `old-protocol`: announces protocol version 0;
 * - `malformed`: sends a malformed message before every valid one;
 * - `invalid-reply`: ends each chat with a `done` that breaks the schema.
 */
import { MODEL_PROCESS_PROTOCOL_VERSION, toProcessMessageSchema } from '../../src/llama/protocol';
import type { FromProcessMessage } from '../../src/llama/protocol';

const mode = process.argv[2];
const send = (message: FromProcessMessage): void => {
  if (mode === 'malformed') process.send?.({ type: 'event', requestId: 'not-a-number' });
  process.send?.(message);
};

process.on('message', (raw) => {
  const message = toProcessMessageSchema.parse(raw);
  switch (message.type) {
    case 'load':
      if (mode !== 'hang-load')
        send({ type: 'loaded', requestId: message.requestId, contextSize: 512 });
      return;
    case 'chat':
      send({
        type: 'event',
        requestId: message.requestId,
        event: { type: 'delta', text: 'partial', tokens: 3 },
      });
      if (mode === 'invalid-reply') {
        process.send?.({
          type: 'event',
          requestId: message.requestId,
          event: { type: 'done', tokens: 0, tokensPerSecond: -1 },
        });
      }
      if (mode === 'malformed') {
        send({
          type: 'event',
          requestId: message.requestId,
          event: {
            type: 'done',
            tokens: 3,
            ttftMs: 1,
            tokensPerSecond: 1,
            promptTokens: 1,
            reusedTokens: 0,
            restoredTokens: 0,
            stopReason: 'eos',
          },
        });
      }
      return;
    default:
      return;
  }
});
process.on('disconnect', () => process.exit(0));
send({
  type: 'ready',
  protocolVersion: mode === 'old-protocol' ? 0 : MODEL_PROCESS_PROTOCOL_VERSION,
});
