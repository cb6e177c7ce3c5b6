import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the server misbehaves on one request for the file's bytes. */
export type ResponsePlan = {
  /** Close the socket after sending this many body bytes. */
  dropAfterBytes?: number;
  /** Send this many body bytes, then nothing more while keeping the connection open. */
  stallAfterBytes?: number;
  /** Ignore the Range header and send the whole file with 200. */
  ignoreRange?: boolean;
  /** Answer with this status and no body. */
  status?: number;
};

export type ModelFileServerOptions = {
  body: Buffer;
  /** Serve a copy with one byte flipped, while advertising the real file's SHA-256. */
  corrupt?: boolean;
  /** Plans for successive file requests; requests past the end are served normally. */
  plans?: ResponsePlan[];
  chunkBytes?: number;
};

export type ServedRequest = { path: string; range: string | null; ifRange: string | null };

/**
 * A stand-in for Hugging Face: `/resolve/main/<file>` answers 302 with `X-Linked-Etag` (the
 * file's SHA-256) and `X-Linked-Size`, and the redirect target serves the bytes with Range
 * support, as the CDN does. It can drop connections, stall, and serve corrupted bytes.
 */
export async function startModelFileServer(options: ModelFileServerOptions) {
  const sha256 = createHash('sha256').update(options.body).digest('hex');
  const served = Buffer.from(options.body);
  if (options.corrupt) served[served.length >> 1] = (served[served.length >> 1] ?? 0) ^ 0xff;
  const plans = [...(options.plans ?? [])];
  const chunkBytes = options.chunkBytes ?? 16 * 1024;
  const requests: ServedRequest[] = [];
  const sockets = new Set<Socket>();
  const etag = `"${sha256}"`;

  const sendFile = (req: IncomingMessage, res: ServerResponse) => {
    const plan = plans.shift() ?? {};
    if (plan.status) {
      res.writeHead(plan.status).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const useRange =
      range?.[1] !== undefined && !plan.ignoreRange && (!ifRange || ifRange === etag);
    const start = useRange ? Number(range?.[1]) : 0;
    if (start >= served.length && useRange) {
      res.writeHead(416, { 'content-range': `bytes */${served.length}` }).end();
      return;
    }
    const headers: Record<string, string | number> = {
      etag,
      'accept-ranges': 'bytes',
      'content-length': served.length - start,
      'content-type': 'application/octet-stream',
    };
    if (useRange) headers['content-range'] = `bytes ${start}-${served.length - 1}/${served.length}`;
    res.writeHead(useRange ? 206 : 200, headers);
    let offset = start;
    let sent = 0;
    const writeNext = () => {
      if (plan.dropAfterBytes !== undefined && sent >= plan.dropAfterBytes) {
        res.socket?.destroy();
        return;
      }
      if (plan.stallAfterBytes !== undefined && sent >= plan.stallAfterBytes) return;
      if (offset >= served.length) {
        res.end();
        return;
      }
      const limit = Math.min(
        chunkBytes,
        (plan.dropAfterBytes ?? plan.stallAfterBytes ?? Infinity) - sent,
      );
      const chunk = served.subarray(offset, offset + limit);
      offset += chunk.length;
      sent += chunk.length;
      if (res.write(chunk)) setImmediate(writeNext);
      else res.once('drain', writeNext);
    };
    writeNext();
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({
      path,
      range: req.headers.range ?? null,
      ifRange: (req.headers['if-range'] as string | undefined) ?? null,
    });
    if (path.startsWith('/repo/resolve/main/')) {
      res
        .writeHead(302, {
          location: `/cdn/${path.slice('/repo/resolve/main/'.length)}`,
          'x-linked-etag': etag,
          'x-linked-size': options.body.length,
        })
        .end();
    } else if (path.startsWith('/cdn/') || path.startsWith('/plain/')) {
      sendFile(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    sha256,
    /** The Hugging Face-style URL, redirecting with linked ETag and size. */
    hfUrl: (fileName: string) => `${origin}/repo/resolve/main/${fileName}`,
    /** A plain URL with no redirect and no linked headers. */
    plainUrl: (fileName: string) => `${origin}/plain/${fileName}`,
    requests,
    /** Requests that asked for the file's bytes (not the redirects). */
    fileRequests: () => requests.filter((r) => !r.path.startsWith('/repo/')),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type ModelFileServer = Awaited<ReturnType<typeof startModelFileServer>>;
