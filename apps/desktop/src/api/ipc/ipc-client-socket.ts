import type { IpcBridge } from './protocol';

/**
 * A WebSocket look-alike over the preload bridge, for tRPC's `createWSClient({ WebSocket })` in
 * the Electron renderer. Runs in the page: no Node or Electron imports.
 */
export function createIpcWebSocketClass(bridge: IpcBridge): typeof WebSocket {
  let nextConnection = 0;

  class IpcWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    readyState: number = IpcWebSocket.CONNECTING;
    private readonly connection = nextConnection++;
    private readonly stopListening: () => void;

    constructor(_url: string) {
      super();
      this.stopListening = bridge.onMessage((frame) => {
        if (frame.connection !== this.connection) return;
        if (frame.type === 'open') this.opened();
        else if (frame.type === 'message') {
          this.dispatchEvent(new MessageEvent('message', { data: frame.data }));
        } else this.finish();
      });
      // The main process answers `open` with `open` once the connection exists there.
      bridge.send({ type: 'open', connection: this.connection });
    }

    private opened(): void {
      if (this.readyState !== IpcWebSocket.CONNECTING) return;
      this.readyState = IpcWebSocket.OPEN;
      this.dispatchEvent(new Event('open'));
    }

    send(data: string): void {
      if (this.readyState !== IpcWebSocket.OPEN) return;
      bridge.send({ type: 'message', connection: this.connection, data });
    }

    close(): void {
      if (this.readyState === IpcWebSocket.CLOSED) return;
      bridge.send({ type: 'close', connection: this.connection });
      this.finish();
    }

    private finish(): void {
      if (this.readyState === IpcWebSocket.CLOSED) return;
      this.readyState = IpcWebSocket.CLOSED;
      this.stopListening();
      this.dispatchEvent(new Event('close'));
    }
  }
  // tRPC's client uses only the members above (the ones a browser WebSocket has).
  return IpcWebSocket as unknown as typeof WebSocket;
}
