import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { ApiContext, ConnectionContext } from '../context';
import { appRouter } from '../root';
import { API_WS_PATH } from '../transport';
import { ipcFrameSchema } from './protocol';
import type { IpcFrame } from './protocol';

/** One side of a connection as tRPC's WebSocket handler expects it; frames go to the peer. */
class IpcServerSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  /** Ended without a Stop: closed by its client (which reconnects) or its window gone. */
  lost = false;
  private markLeft: () => void = () => undefined;
  /**
   * Resolves when the window went away (`dropPeer`): the answers it alone showed stop, where one
   * that a client closed waits to be resumed.
   */
  readonly left = new Promise<void>((resolve) => {
    this.markLeft = resolve;
  });
  constructor(private readonly deliver: (data: string | null) => void) {
    super();
  }
  end(how: 'lost' | 'left'): void {
    this.lost = true;
    if (how === 'left') this.markLeft();
    this.terminate();
  }
  send(data: string | Buffer): void {
    if (this.readyState === this.OPEN) this.deliver(data.toString());
  }
  close(): void {
    this.terminate();
  }
  terminate(): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = 3;
    this.deliver(null);
    this.emit('close');
  }
  ping(): void {}
}

export type IpcPeer = {
  /** Identifies the sender (window and frame); connections are kept per peer. */
  id: string;
  send(frame: IpcFrame): void;
};

/**
 * The main-process end of the Electron transport, without Electron: it takes frames from
 * peers (validated), runs tRPC's WebSocket handler on each connection and sends replies back.
 * `main/` feeds it from `ipcMain` and drops a peer when its page navigates or closes.
 */
export function createIpcServer(options: {
  createContext: (connection: ConnectionContext) => ApiContext;
}) {
  const handleConnection = getWSConnectionHandler({
    // Required by the options type; the connection handler itself never uses it.
    wss: new WebSocketServer({ noServer: true }),
    router: appRouter,
    createContext: ({ res }) => {
      const socket = res as unknown as IpcServerSocket;
      return options.createContext({
        connectionLost: () => socket.lost,
        connectionLeft: socket.left,
      });
    },
    // No server keep-alive: IPC does not die quietly, and a window that goes away is told by
    // Electron (`dropPeer`). The renderer's client pings, and reconnects if the main process
    // stays busy past its wait; its answers then resume.
  });
  // tRPC reads only the URL from the upgrade request; there is none over IPC.
  const request = { url: API_WS_PATH, headers: {} } as IncomingMessage;
  const peers = new Map<string, Map<number, IpcServerSocket>>();

  const closeConnection = (peerId: string, connection: number, how: 'lost' | 'left') => {
    const sockets = peers.get(peerId);
    sockets?.get(connection)?.end(how);
    sockets?.delete(connection);
  };

  return {
    receive(peer: IpcPeer, raw: unknown): void {
      const parsed = ipcFrameSchema.safeParse(raw);
      if (!parsed.success) return;
      const frame = parsed.data;
      const sockets = peers.get(peer.id) ?? new Map<number, IpcServerSocket>();
      peers.set(peer.id, sockets);
      switch (frame.type) {
        case 'open': {
          closeConnection(peer.id, frame.connection, 'lost');
          const socket = new IpcServerSocket((data) =>
            peer.send(
              data === null
                ? { type: 'close', connection: frame.connection }
                : { type: 'message', connection: frame.connection, data },
            ),
          );
          sockets.set(frame.connection, socket);
          handleConnection(socket as unknown as WebSocket, request);
          peer.send({ type: 'open', connection: frame.connection });
          return;
        }
        case 'message':
          sockets.get(frame.connection)?.emit('message', Buffer.from(frame.data), false);
          return;
        case 'close':
          closeConnection(peer.id, frame.connection, 'lost');
          return;
        default:
          frame satisfies never;
      }
    },
    /**
     * Ends every connection of a peer, which went away: the answers it was following stop, unless
     * another window shows them.
     */
    dropPeer(peerId: string): void {
      for (const connection of [...(peers.get(peerId)?.keys() ?? [])])
        closeConnection(peerId, connection, 'left');
      peers.delete(peerId);
    },
  };
}
