import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type ModelServer = {
  endpoint: string;
  port: number;
  /** Each request's URL. */
  requests: string[];
  /** Each model request's first byte: above 0 when it resumed a download. */
  starts: number[];
  close(): Promise<void>;
};

/**
 * A stand-in for huggingface.co: every `/<repo>/resolve/main/<file>.gguf` answers with the given
 * model file, sent in small pieces with pauses so a download shows progress along the way.
 */
export async function startModelServer(options: {
  modelPath: string;
  chunkBytes?: number;
  pauseMs?: number;
  /** How long each request waits for its answer to start (a slow server: "Connecting…"). */
  answerAfterMs?: number;
  /** 0 (the default) picks a free one; a fixed one brings a closed server back where it was. */
  port?: number;
}): Promise<ModelServer> {
  const body = await readFile(options.modelPath);
  const chunkBytes = options.chunkBytes ?? 32 * 1024;
  const pauseMs = options.pauseMs ?? 40;
  const requests: string[] = [];
  const starts: number[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    setTimeout(() => answer(request, response), options.answerAfterMs ?? 0);
  });
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    if (response.destroyed) return;
    if (!/\/resolve\/main\/[^/]+\.gguf$/.test(request.url ?? '')) {
      response.writeHead(404).end();
      return;
    }
    const start = Number(/^bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
    starts.push(start);
    const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (start > 0) {
      response.writeHead(206, {
        ...headers,
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else {
      response.writeHead(200, { ...headers, 'content-length': body.length });
    }
    let offset = start;
    const sendNext = () => {
      if (response.destroyed) return;
      if (offset >= body.length) {
        response.end();
        return;
      }
      response.write(body.subarray(offset, offset + chunkBytes));
      offset += chunkBytes;
      setTimeout(sendNext, pauseMs);
    };
    sendNext();
  };
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    starts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
