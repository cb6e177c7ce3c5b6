import { z } from 'zod';

/**
 * Frames of the Electron transport. The renderer opens "connections" over one IPC channel and
 * sends tRPC's WebSocket messages inside them, so the same tRPC client link and server handler
 * run over IPC as over the web host's socket. It has no version number: the main process, the
 * preload and the renderer are built and shipped together, so both ends always speak the same
 * frames (decision 0481).
 */

export const ipcFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), connection: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('message'),
    connection: z.number().int().nonnegative(),
    data: z.string().max(64 * 1024 * 1024),
  }),
  z.object({ type: z.literal('close'), connection: z.number().int().nonnegative() }),
]);
export type IpcFrame = z.infer<typeof ipcFrameSchema>;

/** What the preload script exposes to the page: one channel, strings in and out. */
export type IpcBridge = {
  send(frame: IpcFrame): void;
  /** Returns the function that stops listening. */
  onMessage(listener: (frame: IpcFrame) => void): () => void;
};
