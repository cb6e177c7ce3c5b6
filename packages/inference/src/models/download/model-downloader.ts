import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { ModelError } from '../model-error';
import {
  partialPathsFor,
  partialSize,
  readPartialState,
  removePartial,
  writePartialState,
} from './partial-download';
import type { PartialDownloadState, PartialPaths } from './partial-download';
import { TransferRate } from './transfer-rate';

export const downloadRequestSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** Name inside the models folder: one path segment, so a request cannot write elsewhere. */
  fileName: z.string().regex(/^[^/\\]+\.gguf$/, 'must be a plain file name ending in .gguf'),
  /** Lower-case hex; when absent the server's linked ETag (Hugging Face LFS) is used. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Exact size when known (not a catalog's rounded figure); used for the disk check and a final check. */
  expectedBytes: z.number().int().positive().optional(),
});
export type DownloadRequest = z.infer<typeof downloadRequestSchema>;

export type DownloadEvent =
  | {
      type: 'progress';
      receivedBytes: number;
      totalBytes: number | null;
      bytesPerSecond: number;
      etaSeconds: number | null;
    }
  | { type: 'resuming'; fromByte: number }
  /** A request is about to be sent; no byte has come back from it yet. */
  | { type: 'connecting'; attempt: number }
  | {
      type: 'retrying';
      attempt: number;
      reason: RetryReason;
      fromByte: number;
      /** Attempts in a row that brought no byte, and how many of them end the download. */
      failuresInARow: number;
      maxFailuresInARow: number;
      /** The wait before the next attempt. */
      delayMs: number;
    }
  | { type: 'verifying'; bytes: number };

type RetryReason = 'connection-dropped' | 'stalled' | 'server-error' | 'range-rejected';

/** Each retry reason as the end of "… could not be downloaded: ___ N times in a row". */
const RETRY_REASON_TEXT: Record<RetryReason, string> = {
  'connection-dropped': 'the connection failed or dropped',
  stalled: 'the server stopped sending',
  'server-error': 'the server answered with an error',
  'range-rejected': 'the server refused to resume',
};

export type DownloadResult = {
  path: string;
  bytes: number;
  sha256: string;
  /** Where the checksum that was checked came from; `none` when neither catalog nor server had one. */
  verifiedAgainst: 'request' | 'etag' | 'none';
  /** Bytes already on disk from an earlier run when this one started. */
  resumedFromByte: number;
  alreadyPresent: boolean;
};

export type DownloadOptions = { signal?: AbortSignal; onEvent?: (event: DownloadEvent) => void };

export type ModelDownloaderOptions = {
  modelsDir: string;
  /** No byte for this long means the connection is dead: reconnect and resume. */
  stallTimeoutMs?: number;
  /** Consecutive attempts that brought no new byte before giving up. */
  maxAttemptsWithoutProgress?: number;
  /** Wait before reconnecting, multiplied by the attempt number. */
  retryDelayMs?: number;
  progressIntervalMs?: number;
  /** Kept free on the disk beyond the file itself. */
  diskHeadroomBytes?: number;
  /** Extra request headers, e.g. an Authorization header for gated repositories. */
  headers?: Record<string, string>;
  now?: () => number;
  freeDiskBytes?: (dir: string) => Promise<number>;
};

const MiB = 1024 * 1024;
const MAX_REDIRECTS = 5;

async function statfsFreeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** Hugging Face serves LFS files with their SHA-256 as the (linked) ETag. */
function sha256FromEtag(etag: string | null): string | null {
  const value = etag?.replace(/^W\//, '').replaceAll('"', '').toLowerCase() ?? '';
  return /^[0-9a-f]{64}$/.test(value) ? value : null;
}

function totalFromContentRange(header: string | null): number | null {
  const match = /\/(\d+)$/.exec(header ?? '');
  return match?.[1] ? Number(match[1]) : null;
}

function startFromContentRange(header: string | null): number | null {
  const match = /^bytes (\d+)-/.exec(header ?? '');
  return match?.[1] ? Number(match[1]) : null;
}

async function sha256OfFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Errors of the local disk, which reconnecting cannot fix. */
function isDiskError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (
    code !== undefined && ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EISDIR'].includes(code)
  );
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** What one HTTP attempt learned, and whether the file is now complete. */
type AttemptOutcome =
  | { kind: 'complete'; total: number | null }
  | { kind: 'retry'; reason: RetryReason; progressed: boolean };

type Job = {
  request: DownloadRequest;
  paths: PartialPaths;
  state: Omit<PartialDownloadState, 'version'>;
  options: DownloadOptions;
};

/**
 * Downloads model files into the models folder: resumable across dropped connections and app
 * restarts (a `.part` file plus a JSON sidecar), checked against a SHA-256, and moved into place
 * with one rename so the folder never holds a half file under a model's name.
 */
export class ModelDownloader {
  private readonly modelsDir: string;
  private readonly stallTimeoutMs: number;
  private readonly maxAttemptsWithoutProgress: number;
  private readonly retryDelayMs: number;
  private readonly progressIntervalMs: number;
  private readonly diskHeadroomBytes: number;
  private readonly headers: Record<string, string>;
  private readonly now: () => number;
  private readonly freeDiskBytes: (dir: string) => Promise<number>;
  /** File names being downloaded now: two writers on one `.part` file would corrupt it. */
  private readonly active = new Set<string>();

  constructor(options: ModelDownloaderOptions) {
    this.modelsDir = options.modelsDir;
    this.stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.maxAttemptsWithoutProgress = options.maxAttemptsWithoutProgress ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.diskHeadroomBytes = options.diskHeadroomBytes ?? 256 * MiB;
    this.headers = options.headers ?? {};
    this.now = options.now ?? Date.now;
    this.freeDiskBytes = options.freeDiskBytes ?? statfsFreeBytes;
  }

  /** Where a file of this name ends up. */
  pathFor(fileName: string): string {
    return join(this.modelsDir, downloadRequestSchema.shape.fileName.parse(fileName));
  }

  /** Drops what an earlier, unfinished download left behind. */
  async discardPartial(fileName: string): Promise<void> {
    await removePartial(partialPathsFor(this.pathFor(fileName)));
  }

  async download(input: DownloadRequest, options: DownloadOptions = {}): Promise<DownloadResult> {
    const request = downloadRequestSchema.parse(input);
    if (this.active.has(request.fileName)) {
      throw new ModelError(
        'download-in-progress',
        `${request.fileName} is already being downloaded.`,
        { fileName: request.fileName },
      );
    }
    this.active.add(request.fileName);
    try {
      return await this.downloadExclusively(request, options);
    } finally {
      this.active.delete(request.fileName);
    }
  }

  private async downloadExclusively(
    request: DownloadRequest,
    options: DownloadOptions,
  ): Promise<DownloadResult> {
    const finalPath = join(this.modelsDir, request.fileName);
    if (await fileExists(finalPath)) {
      const bytes = (await stat(finalPath)).size;
      const sha256 = await sha256OfFile(finalPath);
      // A finished file is the person's: report a mismatch, never delete it.
      if (request.sha256 && request.sha256 !== sha256) {
        throw new ModelError(
          'download-checksum-mismatch',
          `${finalPath} exists but is not the expected file (SHA-256 ${sha256}).`,
          { expected: request.sha256, actual: sha256, path: finalPath },
        );
      }
      return {
        path: finalPath,
        bytes,
        sha256,
        verifiedAgainst: request.sha256 ? 'request' : 'none',
        resumedFromByte: bytes,
        alreadyPresent: true,
      };
    }
    await mkdir(this.modelsDir, { recursive: true });
    const paths = partialPathsFor(finalPath);
    const saved = await readPartialState(paths);
    // A sidecar for another URL (or none at all) means the bytes on disk are not ours to resume.
    const resumable = saved?.url === request.url;
    if (!resumable) await removePartial(paths);
    const resumedFromByte = resumable ? await partialSize(paths) : 0;
    const job: Job = {
      request,
      paths,
      options,
      state: {
        url: request.url,
        etag: resumable ? saved.etag : null,
        totalBytes: resumable ? saved.totalBytes : (request.expectedBytes ?? null),
        sha256: request.sha256 ?? (resumable ? saved.sha256 : null),
      },
    };
    if (resumedFromByte > 0) options.onEvent?.({ type: 'resuming', fromByte: resumedFromByte });

    let attemptsWithoutProgress = 0;
    let attempt = 0;
    for (;;) {
      this.throwIfCancelled(options.signal);
      attempt += 1;
      options.onEvent?.({ type: 'connecting', attempt });
      const outcome = await this.runAttempt(job);
      if (outcome.kind === 'complete') break;
      attemptsWithoutProgress = outcome.progressed ? 0 : attemptsWithoutProgress + 1;
      if (attemptsWithoutProgress >= this.maxAttemptsWithoutProgress) {
        // One sentence that names the file once: callers show it as it is, never wrapped.
        throw new ModelError(
          outcome.reason === 'stalled' ? 'download-stalled' : 'download-http',
          `${request.fileName} could not be downloaded: ${RETRY_REASON_TEXT[outcome.reason]} ${attemptsWithoutProgress} times in a row. The part already downloaded is kept: Resume continues from it.`,
          { url: request.url, reason: outcome.reason, attempts: attempt },
        );
      }
      const fromByte = await partialSize(paths);
      const delayMs = this.retryDelayMs * attemptsWithoutProgress;
      options.onEvent?.({
        type: 'retrying',
        attempt,
        reason: outcome.reason,
        fromByte,
        failuresInARow: attemptsWithoutProgress,
        maxFailuresInARow: this.maxAttemptsWithoutProgress,
        delayMs,
      });
      await delay(delayMs, undefined, {
        signal: options.signal,
      }).catch(() => undefined);
    }
    return this.verifyAndMoveIntoPlace({ job, finalPath, resumedFromByte });
  }

  private throwIfCancelled(signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      throw new ModelError('download-cancelled', 'The download was cancelled.', {});
    }
  }

  /**
   * Follows redirects by hand because Hugging Face puts the file's SHA-256 and size in
   * `X-Linked-Etag` / `X-Linked-Size` on the redirect itself, which `fetch` would hide.
   */
  private async requestFrom(
    job: Job,
    ctx: { fromByte: number; signal: AbortSignal },
  ): Promise<Response> {
    let url = job.request.url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      const headers: Record<string, string> = { ...this.headers };
      if (ctx.fromByte > 0) {
        headers.range = `bytes=${ctx.fromByte}-`;
        // If the file changed on the server since the partial was written, get all of it.
        // If-Range needs a strong validator; with a weak one the server would always resend.
        if (job.state.etag && !job.state.etag.startsWith('W/')) {
          headers['if-range'] = job.state.etag;
        }
      }
      const response = await fetch(url, { headers, redirect: 'manual', signal: ctx.signal });
      const linkedSha = sha256FromEtag(response.headers.get('x-linked-etag'));
      const linkedSize = Number(response.headers.get('x-linked-size') ?? Number.NaN);
      if (linkedSha && !job.request.sha256) job.state.sha256 = linkedSha;
      if (Number.isInteger(linkedSize) && linkedSize > 0) job.state.totalBytes = linkedSize;
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url).toString();
        continue;
      }
      return response;
    }
    throw new ModelError('download-http', `Too many redirects for ${job.request.url}.`, {
      url: job.request.url,
      reason: 'too-many-redirects',
    });
  }

  private async runAttempt(job: Job): Promise<AttemptOutcome> {
    const { options, paths } = job;
    const fromByte = await partialSize(paths);
    const attempt = new AbortController();
    const onCancel = () => attempt.abort('cancelled');
    options.signal?.addEventListener('abort', onCancel, { once: true });
    let stallTimer: NodeJS.Timeout | undefined;
    const armStallTimer = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => attempt.abort('stalled'), this.stallTimeoutMs);
    };
    let received = 0;
    let handle: FileHandle | undefined;
    try {
      armStallTimer();
      const response = await this.requestFrom(job, { fromByte, signal: attempt.signal });
      const status = response.status;
      if (status === 416 && fromByte > 0 && fromByte === job.state.totalBytes) {
        await response.body?.cancel();
        return { kind: 'complete', total: fromByte };
      }
      if (status === 416) {
        // The server will not serve our range: the partial is not a prefix of its file.
        await response.body?.cancel();
        await removePartial(paths);
        return { kind: 'retry', reason: 'range-rejected', progressed: true };
      }
      if (status >= 500) {
        await response.body?.cancel();
        return { kind: 'retry', reason: 'server-error', progressed: false };
      }
      if (status !== 200 && status !== 206) {
        await response.body?.cancel();
        throw new ModelError(
          'download-http',
          `The server answered ${status} for ${job.request.url}.`,
          { url: job.request.url, status },
        );
      }
      const resumed =
        status === 206 && startFromContentRange(response.headers.get('content-range')) === fromByte;
      const startByte = resumed ? fromByte : 0;
      const total = resumed
        ? (totalFromContentRange(response.headers.get('content-range')) ?? job.state.totalBytes)
        : Number(response.headers.get('content-length') ?? Number.NaN) || job.state.totalBytes;
      job.state.totalBytes = total ?? null;
      if (!resumed || !job.state.etag) job.state.etag = response.headers.get('etag');
      if (!job.request.sha256 && !job.state.sha256) {
        job.state.sha256 = sha256FromEtag(response.headers.get('etag'));
      }
      await this.assertDiskSpace(total === null ? null : total - startByte);
      await writePartialState(paths, job.state);
      handle = await open(paths.part, resumed ? 'a' : 'w');
      const body = response.body;
      if (!body) return { kind: 'retry', reason: 'connection-dropped', progressed: false };
      const rate = new TransferRate(5000);
      let lastEventAt = Number.NEGATIVE_INFINITY;
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armStallTimer();
        await handle.write(value);
        received += value.byteLength;
        const at = this.now();
        rate.record(at, startByte + received);
        if (at - lastEventAt >= this.progressIntervalMs) {
          lastEventAt = at;
          this.emitProgress({ job, receivedBytes: startByte + received, rate });
        }
      }
      await handle.sync();
      const onDisk = startByte + received;
      this.emitProgress({ job, receivedBytes: onDisk, rate });
      if (total !== null && onDisk < total) {
        return { kind: 'retry', reason: 'connection-dropped', progressed: received > 0 };
      }
      if (total !== null && onDisk > total) {
        await removePartial(paths);
        throw new ModelError(
          'download-size-mismatch',
          `The server sent ${onDisk} bytes where ${total} were announced.`,
          { expected: total, received: onDisk },
        );
      }
      return { kind: 'complete', total: onDisk };
    } catch (error) {
      if (error instanceof ModelError) throw error;
      this.throwIfCancelled(options.signal);
      if (isDiskError(error)) {
        throw new ModelError(
          'download-write-failed',
          `Cannot write ${paths.part}: ${error.code}. The partial file is kept.`,
          { path: paths.part, cause: error.code },
        );
      }
      const reason: RetryReason =
        attempt.signal.reason === 'stalled' ? 'stalled' : 'connection-dropped';
      return { kind: 'retry', reason, progressed: received > 0 };
    } finally {
      clearTimeout(stallTimer);
      options.signal?.removeEventListener('abort', onCancel);
      await handle?.close();
    }
  }

  private emitProgress(ctx: { job: Job; receivedBytes: number; rate: TransferRate }): void {
    const total = ctx.job.state.totalBytes;
    const bytesPerSecond = ctx.rate.bytesPerSecond();
    const etaSeconds =
      total !== null && bytesPerSecond > 0
        ? Math.max(0, (total - ctx.receivedBytes) / bytesPerSecond)
        : null;
    ctx.job.options.onEvent?.({
      type: 'progress',
      receivedBytes: ctx.receivedBytes,
      totalBytes: total,
      bytesPerSecond,
      etaSeconds,
    });
  }

  private async assertDiskSpace(remainingBytes: number | null): Promise<void> {
    if (remainingBytes === null) return;
    const free = await this.freeDiskBytes(this.modelsDir);
    const needed = remainingBytes + this.diskHeadroomBytes;
    if (free < needed) {
      throw new ModelError(
        'download-insufficient-disk',
        `Not enough disk space in ${this.modelsDir}: ${needed} bytes needed, ${free} free.`,
        { neededBytes: needed, freeBytes: free, dir: this.modelsDir },
      );
    }
  }

  private async verifyAndMoveIntoPlace(ctx: {
    job: Job;
    finalPath: string;
    resumedFromByte: number;
  }): Promise<DownloadResult> {
    const { job, finalPath } = ctx;
    const bytes = await partialSize(job.paths);
    job.options.onEvent?.({ type: 'verifying', bytes });
    if (job.request.expectedBytes !== undefined && bytes !== job.request.expectedBytes) {
      await removePartial(job.paths);
      throw new ModelError(
        'download-size-mismatch',
        `The download has ${bytes} bytes where ${job.request.expectedBytes} were expected; it was removed.`,
        { expected: job.request.expectedBytes, received: bytes },
      );
    }
    // Hashing a large model takes a while, and a cancel then still means cancel: the complete
    // partial stays, so the next start only verifies it.
    const sha256 = await sha256OfFile(job.paths.part, job.options.signal).catch(
      (error: unknown) => {
        this.throwIfCancelled(job.options.signal);
        throw error;
      },
    );
    this.throwIfCancelled(job.options.signal);
    const expected = job.request.sha256 ?? job.state.sha256;
    if (expected && expected !== sha256) {
      await removePartial(job.paths);
      throw new ModelError(
        'download-checksum-mismatch',
        `The downloaded ${job.request.fileName} is corrupt (SHA-256 ${sha256}, expected ${expected}); it was removed.`,
        { expected, actual: sha256, url: job.request.url },
      );
    }
    await rename(job.paths.part, finalPath);
    await rm(job.paths.sidecar, { force: true });
    return {
      path: finalPath,
      bytes,
      sha256,
      verifiedAgainst: job.request.sha256 ? 'request' : expected ? 'etag' : 'none',
      resumedFromByte: ctx.resumedFromByte,
      alreadyPresent: false,
    };
  }
}
