import { ModelHost } from './model-host';
import type { SendToApp } from './model-host';
import { MODEL_PROCESS_PROTOCOL_VERSION, refuseInvalid, toProcessMessageSchema } from './protocol';
import type { FromProcessMessage } from './protocol';

/**
 * Entry point of the model process. It talks to the app over Node's IPC channel
 * (`child_process.fork`) or Electron's `process.parentPort` (`utilityProcess`).
 */
type ParentPort = {
  on: (event: 'message', listener: (e: { data: unknown }) => void) => void;
  postMessage: (message: unknown) => void;
};

function connect(): { send: SendToApp; onMessage: (listener: (m: unknown) => void) => void } {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message, onSent) => {
        parentPort.postMessage(message);
        if (onSent) setImmediate(onSent);
      },
      onMessage: (listener) => parentPort.on('message', (e) => listener(e.data)),
    };
  }
  return {
    send: (message: FromProcessMessage, onSent) => {
      process.send?.(message, undefined, undefined, () => onSent?.());
    },
    onMessage: (listener) => process.on('message', listener),
  };
}

const channel = connect();
const host = new ModelHost(channel.send, () => performance.now());
channel.onMessage((raw) => {
  const parsed = toProcessMessageSchema.safeParse(raw);
  if (!parsed.success) {
    // A malformed message is a bug in the app. The process stays up, and a request is answered.
    const failed = refuseInvalid(raw, parsed.error, {
      log: 'model process: refused a malformed message',
      code: 'invalid-params',
      message: 'The model process refused an invalid request',
    });
    if (failed) channel.send(failed);
    return;
  }
  host.handle(parsed.data);
});
// The app going away must not leave an orphan holding gigabytes of model memory.
process.on('disconnect', () => process.exit(0));
channel.send({ type: 'ready', protocolVersion: MODEL_PROCESS_PROTOCOL_VERSION });
