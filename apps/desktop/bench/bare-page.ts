import { createServer } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

/**
 * The baseline for delta → paint: the same path with no app in it. A page that appends each
 * WebSocket message to one text node in an animation frame, fed numbered words at the app
 * bench's pace from this process. What it measures is the machine's floor: the wait for the next
 * frame (up to 16.7 ms at 60 Hz), the trip through Chromium's processes and the frame's own work.
 */
const PAGE = `<!doctype html><html><head><title>bare</title></head><body>
<p id="answer"></p>
<script>
  const text = document.createTextNode('');
  document.getElementById('answer').append(text);
  let pending = '';
  let frame = null;
  const socket = new WebSocket('ws://' + location.host + '/');
  socket.onmessage = (event) => {
    pending += event.data;
    frame ??= requestAnimationFrame(() => {
      frame = null;
      text.appendData(pending);
      pending = '';
    });
  };
</script></body></html>`;

export type BarePage = {
  /** A fresh context on the page, in front, as the app's page is measured. */
  open: (browser: Browser) => Promise<Page>;
  /** Loads the page again (an empty text) and waits until it has connected. */
  reload: (page: Page) => Promise<void>;
  /** Sends `tokens` numbered words, one every `intervalMs`; returns when each left. */
  stream: (tokens: number, intervalMs: number) => Promise<number[]>;
  close: () => Promise<void>;
};

export async function startBarePage(): Promise<BarePage> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  const sockets = new WebSocketServer({ server });
  let socket: WebSocket | null = null;
  let onConnect = (): void => undefined;
  sockets.on('connection', (connection) => {
    socket = connection;
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const load = async (navigate: () => Promise<unknown>): Promise<void> => {
    socket?.terminate();
    socket = null;
    const connected = new Promise<void>((resolve) => {
      onConnect = resolve;
    });
    await navigate();
    await connected;
  };
  return {
    async open(browser) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.bringToFront();
      await load(() => page.goto(`http://127.0.0.1:${port}/`));
      return page;
    },
    reload: (page) => load(() => page.reload()),
    async stream(tokens, intervalMs) {
      const sentAt: number[] = [];
      for (let index = 0; index < tokens; index++) {
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
        sentAt.push(performance.timeOrigin + performance.now());
        socket?.send(`w${index} `);
      }
      return sentAt;
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
