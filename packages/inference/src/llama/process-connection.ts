import { EngineError } from '../engine/errors';
import {
  fromProcessMessageSchema,
  MODEL_PROCESS_PROTOCOL_VERSION,
  refuseInvalid,
} from './protocol';
import type { FromProcessMessage, ProcessSettings, ToProcessMessage } from './protocol';
import type { ModelProcessHandle, SpawnModelProcess } from './spawn-model-process';

type Listener = (message: FromProcessMessage | { type: 'exit'; reason: string }) => void;

/** Messages sent with a request id; the connection assigns the id. */
type RequestBody = ToProcessMessage extends infer M
  ? M extends { requestId: number }
    ? Omit<M, 'requestId'>
    : never
  : never;

/**
 * One running model process and its in-flight requests. When the process exits,
 * every request still waiting is told so; nothing waits forever.
 */
export class ProcessConnection {
  private nextRequestId = 1;
  private readonly listeners = new Map<number, Listener>();
  private exitReason: string | undefined;

  private constructor(private readonly handle: ModelProcessHandle) {}

  static async start(options: {
    spawn: SpawnModelProcess;
    modulePath: string;
    settings: ProcessSettings;
    timeoutMs: number;
  }): Promise<ProcessConnection> {
    const handle = options.spawn({ modulePath: options.modulePath });
    const connection = new ProcessConnection(handle);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        handle.kill();
        reject(new EngineError('load-timeout', 'The model process did not start in time.'));
      }, options.timeoutMs);
      handle.onMessage((raw) => {
        const parsed = fromProcessMessageSchema.safeParse(raw);
        if (!parsed.success) {
          // A request whose reply cannot be read fails now rather than waiting forever.
          const failed = refuseInvalid(raw, parsed.error, {
            log: 'model process sent a malformed message',
            code: 'generation-failed',
            message: 'The model process sent an invalid reply',
          });
          if (failed) connection.dispatch(failed);
          return;
        }
        if (parsed.data.type === 'ready') {
          clearTimeout(timer);
          if (parsed.data.protocolVersion !== MODEL_PROCESS_PROTOCOL_VERSION) {
            handle.kill();
            reject(
              new EngineError(
                'load-failed',
                `The model process speaks protocol ${parsed.data.protocolVersion}, the app ${MODEL_PROCESS_PROTOCOL_VERSION}.`,
              ),
            );
            return;
          }
          resolve();
          return;
        }
        connection.dispatch(parsed.data);
      });
      handle.onExit(({ code, signal }) => {
        clearTimeout(timer);
        const reason =
          signal === 'SIGKILL'
            ? 'was killed (SIGKILL: often the system running out of memory)'
            : signal
              ? `was stopped by ${signal}`
              : `exited with code ${String(code)}`;
        connection.markExited(reason);
        reject(new EngineError('process-crashed', `The model process ${reason} while starting.`));
      });
    });
    connection.post({
      type: 'init',
      protocolVersion: MODEL_PROCESS_PROTOCOL_VERSION,
      settings: options.settings,
    });
    await ready;
    return connection;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  get pid(): number | undefined {
    return this.handle.pid;
  }

  /** Sends a request; `listener` gets every reply with its id, or the exit. Returns the id. */
  request(body: RequestBody, listener: Listener): number {
    const requestId = this.nextRequestId++;
    if (this.exitReason !== undefined) {
      const reason = this.exitReason;
      queueMicrotask(() => listener({ type: 'exit', reason }));
      return requestId;
    }
    this.listeners.set(requestId, listener);
    this.post({ ...body, requestId } as ToProcessMessage);
    return requestId;
  }

  /** Sends a request that has exactly one reply (or a failure). */
  call(body: RequestBody, timeoutMs?: number): Promise<FromProcessMessage> {
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.kill();
              reject(
                new EngineError(
                  'load-timeout',
                  `The model process did not answer "${body.type}" in time.`,
                ),
              );
            }, timeoutMs);
      const requestId = this.request(body, (message) => {
        clearTimeout(timer);
        this.forget(requestId);
        if (message.type === 'exit') {
          reject(new EngineError('process-crashed', `The model process ${message.reason}.`));
        } else if (message.type === 'failed') {
          reject(new EngineError(message.code, message.message));
        } else {
          resolve(message);
        }
      });
    });
  }

  /** Tells the process to stop a chat request; fire and forget. */
  abort(requestId: number): void {
    if (this.alive) this.post({ type: 'abort', requestId });
  }

  forget(requestId: number): void {
    this.listeners.delete(requestId);
  }

  kill(): void {
    this.handle.kill();
  }

  /**
   * The process validates what it receives and answers a malformed request with `failed`; the
   * engine has validated each request's messages and params already, on the way to every first
   * token, so they are not validated a second time here.
   */
  private post(message: ToProcessMessage): void {
    this.handle.send(message);
  }

  private dispatch(message: FromProcessMessage): void {
    if (!('requestId' in message)) return;
    this.listeners.get(message.requestId)?.(message);
  }

  private markExited(reason: string): void {
    this.exitReason = reason;
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    for (const listener of listeners) listener({ type: 'exit', reason });
  }
}
