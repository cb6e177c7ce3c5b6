import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureTinyModel } from '@codeface/inference/fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelDownloader } from '../src/models/download/model-downloader';
import type {
  DownloadEvent,
  ModelDownloaderOptions,
} from '../src/models/download/model-downloader';
import { readGgufSummary } from '../src/models/gguf-metadata';
import { startModelFileServer } from './support/model-file-server';
import type { ModelFileServer, ModelFileServerOptions } from './support/model-file-server';

const FILE = 'tiny.gguf';
let body: Buffer;
let sha256: string;
let modelsDir: string;
let server: ModelFileServer | undefined;

beforeAll(async () => {
  body = await readFile(await ensureTinyModel());
  sha256 = createHash('sha256').update(body).digest('hex');
});
beforeEach(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'codeface-download-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(modelsDir, { recursive: true, force: true });
});

async function serve(options: Omit<ModelFileServerOptions, 'body'> = {}) {
  server = await startModelFileServer({ body, ...options });
  return server;
}

function downloader(options: Partial<ModelDownloaderOptions> = {}) {
  return new ModelDownloader({
    modelsDir,
    stallTimeoutMs: 2000,
    retryDelayMs: 10,
    progressIntervalMs: 0,
    diskHeadroomBytes: 0,
    ...options,
  });
}

function recorder() {
  const events: DownloadEvent[] = [];
  return { events, onEvent: (event: DownloadEvent) => events.push(event) };
}

describe('ModelDownloader', () => {
  it('downloads through a Hugging Face redirect and checks the linked ETag', async () => {
    const hf = await serve();
    const { events, onEvent } = recorder();
    const result = await downloader().download(
      { url: hf.hfUrl(FILE), fileName: FILE },
      { onEvent },
    );

    expect(result).toMatchObject({
      path: join(modelsDir, FILE),
      bytes: body.length,
      sha256,
      verifiedAgainst: 'etag',
      resumedFromByte: 0,
      alreadyPresent: false,
    });
    expect(await readdir(modelsDir)).toEqual([FILE]);
    expect((await readGgufSummary(result.path)).architecture).toBe('llama');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toMatchObject({ receivedBytes: body.length, totalBytes: body.length });
    expect(progress.some((e) => e.bytesPerSecond > 0 && e.etaSeconds !== null)).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'verifying', bytes: body.length });
  });

  it('resumes with a Range request after the connection drops mid-way', async () => {
    const hf = await serve({ plans: [{ dropAfterBytes: 100_000 }] });
    const { events, onEvent } = recorder();
    const result = await downloader().download(
      { url: hf.hfUrl(FILE), fileName: FILE },
      { onEvent },
    );

    expect(result.sha256).toBe(sha256);
    expect(hf.fileRequests().map((r) => r.range)).toEqual([null, 'bytes=100000-']);
    expect(events).toContainEqual({
      type: 'retrying',
      attempt: 1,
      reason: 'connection-dropped',
      fromByte: 100_000,
      failuresInARow: 0,
      maxFailuresInARow: 5,
      delayMs: 0,
    });
  });

  it('reconnects by itself when the server stops sending', async () => {
    const hf = await serve({ plans: [{ stallAfterBytes: 64_000 }] });
    const { events, onEvent } = recorder();
    const result = await downloader({ stallTimeoutMs: 1000 }).download(
      { url: hf.hfUrl(FILE), fileName: FILE },
      { onEvent },
    );

    expect(result.sha256).toBe(sha256);
    expect(hf.fileRequests().map((r) => r.range)).toEqual([null, 'bytes=64000-']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retrying', reason: 'stalled' }));
  });

  it('keeps the partial file on cancel and resumes it after an app restart', async () => {
    const hf = await serve({ plans: [{ stallAfterBytes: 200_000 }] });
    const controller = new AbortController();
    const first = downloader().download(
      { url: hf.hfUrl(FILE), fileName: FILE },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'progress' && e.receivedBytes >= 200_000) controller.abort();
        },
      },
    );
    await expect(first).rejects.toMatchObject({ code: 'download-cancelled' });
    expect((await readdir(modelsDir)).sort()).toEqual([`${FILE}.part`, `${FILE}.part.json`]);
    expect((await stat(join(modelsDir, `${FILE}.part`))).size).toBe(200_000);

    // A new downloader is what the app builds after a restart: it knows only the disk.
    const { events, onEvent } = recorder();
    const result = await downloader().download(
      { url: hf.hfUrl(FILE), fileName: FILE },
      { onEvent },
    );
    expect(result).toMatchObject({ sha256, resumedFromByte: 200_000, bytes: body.length });
    expect(events[0]).toEqual({ type: 'resuming', fromByte: 200_000 });
    expect(hf.fileRequests().at(-1)).toMatchObject({
      range: 'bytes=200000-',
      ifRange: `"${sha256}"`,
    });
    expect(await readdir(modelsDir)).toEqual([FILE]);
  });

  it('starts over when the server ignores the range', async () => {
    const hf = await serve({ plans: [{ dropAfterBytes: 50_000 }, { ignoreRange: true }] });
    const result = await downloader().download({ url: hf.hfUrl(FILE), fileName: FILE });
    expect(result.sha256).toBe(sha256);
    expect(result.bytes).toBe(body.length);
  });

  it('removes a corrupted download and says so', async () => {
    const hf = await serve({ corrupt: true });
    await expect(
      downloader().download({ url: hf.hfUrl(FILE), fileName: FILE }),
    ).rejects.toMatchObject({
      code: 'download-checksum-mismatch',
      data: { expected: sha256 },
    });
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('checks the SHA-256 from the catalog when the server gives none', async () => {
    const plain = await serve();
    const wrong = 'ab'.repeat(32);
    await expect(
      downloader().download({ url: plain.plainUrl(FILE), fileName: FILE, sha256: wrong }),
    ).rejects.toMatchObject({ code: 'download-checksum-mismatch', data: { expected: wrong } });
    const ok = await downloader().download({ url: plain.plainUrl(FILE), fileName: FILE, sha256 });
    expect(ok.verifiedAgainst).toBe('request');
  });

  it('refuses to start when the disk is too full, before writing anything', async () => {
    const hf = await serve();
    await expect(
      downloader({ freeDiskBytes: async () => body.length - 1 }).download({
        url: hf.hfUrl(FILE),
        fileName: FILE,
      }),
    ).rejects.toMatchObject({
      code: 'download-insufficient-disk',
      data: { neededBytes: body.length, freeBytes: body.length - 1 },
    });
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('reports a missing file without retrying, and gives up on a failing server', async () => {
    const hf = await serve({
      plans: [{ status: 404 }, { status: 503 }, { status: 503 }, { status: 503 }],
    });
    await expect(
      downloader().download({ url: hf.hfUrl(FILE), fileName: FILE }),
    ).rejects.toMatchObject({ code: 'download-http', data: { status: 404 } });
    expect(hf.fileRequests()).toHaveLength(1);

    await expect(
      downloader({ maxAttemptsWithoutProgress: 3 }).download({
        url: hf.hfUrl(FILE),
        fileName: FILE,
      }),
    ).rejects.toMatchObject({
      code: 'download-http',
      data: { reason: 'server-error', attempts: 3 },
    });
  });

  it('says it is connecting, then retrying with the count, and ends in one sentence offline', async () => {
    // A port nothing listens on: every connection is refused, as when the machine is offline.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { events, onEvent } = recorder();
    await expect(
      downloader({ maxAttemptsWithoutProgress: 3 }).download(
        { url: `http://127.0.0.1:${port}/${FILE}`, fileName: FILE },
        { onEvent },
      ),
    ).rejects.toThrow(
      `${FILE} could not be downloaded: the connection failed or dropped 3 times in a row. The part already downloaded is kept: Resume continues from it.`,
    );
    expect(events).toEqual([
      { type: 'connecting', attempt: 1 },
      expect.objectContaining({
        type: 'retrying',
        failuresInARow: 1,
        maxFailuresInARow: 3,
        delayMs: 10,
      }),
      { type: 'connecting', attempt: 2 },
      expect.objectContaining({
        type: 'retrying',
        failuresInARow: 2,
        maxFailuresInARow: 3,
        delayMs: 20,
      }),
      { type: 'connecting', attempt: 3 },
    ]);
  });

  it('gives up on a server that stalls every time, keeping the partial', async () => {
    const hf = await serve({
      plans: [{ stallAfterBytes: 10_000 }, { stallAfterBytes: 0 }, { stallAfterBytes: 0 }],
    });
    await expect(
      downloader({ stallTimeoutMs: 1000, maxAttemptsWithoutProgress: 2 }).download({
        url: hf.hfUrl(FILE),
        fileName: FILE,
      }),
    ).rejects.toMatchObject({ code: 'download-stalled' });
    expect((await stat(join(modelsDir, `${FILE}.part`))).size).toBe(10_000);
  });

  it('cancels while verifying, keeping the complete partial for the next start', async () => {
    const hf = await serve();
    const controller = new AbortController();
    const first = downloader().download(
      { url: hf.hfUrl(FILE), fileName: FILE },
      {
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'verifying') controller.abort();
        },
      },
    );
    await expect(first).rejects.toMatchObject({ code: 'download-cancelled' });
    expect((await readdir(modelsDir)).sort()).toEqual([`${FILE}.part`, `${FILE}.part.json`]);
    const result = await downloader().download({ url: hf.hfUrl(FILE), fileName: FILE });
    expect(result).toMatchObject({ sha256, bytes: body.length });
  });

  it('does not resume a partial left by a download from another URL', async () => {
    const hf = await serve({ plans: [{ stallAfterBytes: 30_000 }] });
    const controller = new AbortController();
    await expect(
      downloader().download(
        { url: hf.plainUrl(FILE), fileName: FILE },
        {
          signal: controller.signal,
          onEvent: (e) => {
            if (e.type === 'progress' && e.receivedBytes >= 30_000) controller.abort();
          },
        },
      ),
    ).rejects.toMatchObject({ code: 'download-cancelled' });
    const result = await downloader().download({ url: hf.hfUrl(FILE), fileName: FILE });
    expect(result).toMatchObject({ resumedFromByte: 0, sha256 });
    expect(hf.fileRequests().at(-1)?.range).toBeNull();
  });

  it('returns a file that is already in place without downloading it', async () => {
    const hf = await serve();
    await downloader().download({ url: hf.hfUrl(FILE), fileName: FILE });
    const again = await downloader().download({ url: hf.hfUrl(FILE), fileName: FILE });
    expect(again).toMatchObject({ alreadyPresent: true, sha256 });
    expect(hf.fileRequests()).toHaveLength(1);
    await expect(
      downloader().download({ url: hf.hfUrl(FILE), fileName: FILE, sha256: 'f'.repeat(64) }),
    ).rejects.toMatchObject({ code: 'download-checksum-mismatch' });
    expect(await readdir(modelsDir)).toEqual([FILE]);
  });

  it('refuses a second download of the same file while the first runs', async () => {
    const hf = await serve();
    const shared = downloader();
    const first = shared.download({ url: hf.hfUrl(FILE), fileName: FILE });
    await expect(shared.download({ url: hf.hfUrl(FILE), fileName: FILE })).rejects.toMatchObject({
      code: 'download-in-progress',
    });
    expect((await first).sha256).toBe(sha256);
  });

  it('downloads only over HTTP(S)', async () => {
    await expect(
      downloader().download({ url: 'file:///etc/passwd', fileName: 'x.gguf' }),
    ).rejects.toThrow(/url/i);
  });

  it('rejects a file name that would write outside the models folder', async () => {
    await expect(
      downloader().download({ url: 'http://127.0.0.1:1/x.gguf', fileName: '../evil.gguf' }),
    ).rejects.toThrow(/plain file name/);
  });
});

afterAll(async () => {
  await server?.close();
});
