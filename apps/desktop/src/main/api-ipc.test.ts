import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { API_IPC_CHANNEL } from '../api/transport';
import { serveApiOverIpc } from './api-ipc';

class FakeContents extends EventEmitter {
  readonly sent: unknown[] = [];
  constructor(readonly id: number) {
    super();
  }
  send(_channel: string, frame: unknown) {
    this.sent.push(frame);
  }
  isDestroyed() {
    return false;
  }
}

function setup() {
  const ipcMain = new EventEmitter();
  const server = { receive: vi.fn(), dropPeer: vi.fn() };
  serveApiOverIpc({ ipcMain: ipcMain as never, server });
  const frame = { type: 'open', connection: 1 };
  const sendFrom = (sender: FakeContents, url: string | null) =>
    ipcMain.emit(API_IPC_CHANNEL, { sender, senderFrame: url === null ? null : { url } }, frame);
  return { server, sendFrom, frame };
}

describe('the IPC link of the app API', () => {
  it("hears the app's own pages and answers the window that asked", () => {
    const { server, sendFrom, frame } = setup();
    const window = new FakeContents(7);
    sendFrom(window, 'app://codeface/quick-ask.html');
    expect(server.receive).toHaveBeenCalledTimes(1);
    const [peer, received] = server.receive.mock.calls[0] as [
      { id: string; send: (f: unknown) => void },
      unknown,
    ];
    expect(peer.id).toBe('7');
    expect(received).toBe(frame);
    peer.send({ type: 'close', connection: 1 });
    expect(window.sent).toEqual([{ type: 'close', connection: 1 }]);
  });

  it('drops a frame from any other origin, unanswered', () => {
    const { server, sendFrom } = setup();
    const window = new FakeContents(8);
    for (const url of [
      'https://evil.example/',
      'app://codeface.evil.example/index.html',
      'file:///home/me/index.html',
      'app://other/index.html',
      'about:blank',
      null,
    ]) {
      sendFrom(window, url);
    }
    expect(server.receive).not.toHaveBeenCalled();
    expect(window.sent).toEqual([]);
  });

  it("ends a window's subscriptions when it navigates or closes", () => {
    const { server, sendFrom } = setup();
    const window = new FakeContents(9);
    sendFrom(window, 'app://codeface/index.html');
    window.emit('did-start-navigation');
    expect(server.dropPeer).toHaveBeenLastCalledWith('9');
    window.emit('destroyed');
    expect(server.dropPeer).toHaveBeenCalledTimes(2);
  });
});
