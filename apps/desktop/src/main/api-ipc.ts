import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import { API_IPC_CHANNEL } from '../api/transport';
import { isAppUrl } from './security';

/** The part of the IPC server (`src/api/ipc`) this wiring drives. */
export type IpcServerPort = {
  receive(peer: { id: string; send: (frame: unknown) => void }, frame: unknown): void;
  dropPeer(peerId: string): void;
};

type Contents = Pick<WebContents, 'id' | 'on' | 'once' | 'send' | 'isDestroyed'>;

/**
 * Connects the API's IPC channel to the server. Only a frame of the app's own pages is heard: a
 * frame from any other origin (a page that navigated away, a subframe) is dropped unanswered.
 * A window's subscriptions end when it navigates, crashes or closes.
 */
export function serveApiOverIpc(options: {
  ipcMain: Pick<IpcMain, 'on'>;
  server: IpcServerPort;
}): void {
  const { ipcMain, server } = options;
  const watched = new Set<number>();
  const watch = (contents: Contents) => {
    if (watched.has(contents.id)) return;
    watched.add(contents.id);
    const drop = () => server.dropPeer(String(contents.id));
    contents.on('did-start-navigation', drop);
    contents.on('render-process-gone', drop);
    contents.once('destroyed', () => {
      drop();
      watched.delete(contents.id);
    });
  };
  ipcMain.on(
    API_IPC_CHANNEL,
    (event: Pick<IpcMainEvent, 'senderFrame' | 'sender'>, frame: unknown) => {
      const url = event.senderFrame?.url;
      if (url === undefined || !isAppUrl(url)) return;
      const sender: Contents = event.sender;
      watch(sender);
      server.receive(
        {
          id: String(sender.id),
          send: (reply) => {
            if (!sender.isDestroyed()) sender.send(API_IPC_CHANNEL, reply);
          },
        },
        frame,
      );
    },
  );
}
