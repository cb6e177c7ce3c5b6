import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { API_IPC_CHANNEL } from '../api/transport';
import type { IpcBridge } from '../api/ipc/protocol';

/**
 * The page's only door to the main process: frames of the app API on one channel. No Node,
 * no `ipcRenderer` itself, nothing else is exposed.
 */
const bridge: IpcBridge = {
  send(frame) {
    ipcRenderer.send(API_IPC_CHANNEL, frame);
  },
  onMessage(listener) {
    const forward = (_event: IpcRendererEvent, frame: Parameters<typeof listener>[0]) =>
      listener(frame);
    ipcRenderer.on(API_IPC_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(API_IPC_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('codeface', bridge);
