import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SyncLimits } from '../config';

/** Every input but a push's is small: ids, an email, a password, a wrapped data key. */
const SMALL_BODY_BYTES = 64 * 1024;

/**
 * The largest body of a push the protocol limits allow: `maxBatchChanges` changes, each with its
 * ciphertext of `maxChangeBytes` base64url-encoded, two client ids of at most 64 characters and
 * its JSON punctuation, in `{"changes":[…]}`.
 */
export function pushBodyLimit(limits: Pick<SyncLimits, 'maxChangeBytes' | 'maxBatchChanges'>) {
  const perChange = Math.ceil((limits.maxChangeBytes * 4) / 3) + 2 * 64 + 48;
  return perChange * limits.maxBatchChanges + 1024;
}

/** The body limit of the call a request makes; the largest one is Fastify's `bodyLimit`. */
export function bodyLimitFor(req: FastifyRequest, pushLimit: number): number {
  const procedure = (req.params as { path?: unknown } | undefined)?.path;
  return procedure === 'sync.push' ? pushLimit : SMALL_BODY_BYTES;
}

/** A refusal the error handler turns into a 413 that says what to do. */
export class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  constructor(readonly max: number) {
    super(
      `The request body is larger than this call takes (at most ${max} bytes). Send less at once: a push may carry at most the limits meta.info reports.`,
    );
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Bodies are bounded per call before they are read: a declared length over the limit is
 * refused at once, and a body without one is cut off as soon as it passes it. Only a push may be
 * large, and only as large as the protocol limits allow.
 */
export function registerBodyLimits(app: FastifyInstance, pushLimit: number): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD') return payload;
    const max = bodyLimitFor(req, pushLimit);
    if (Number(req.headers['content-length'] ?? 0) > max) throw new BodyTooLargeError(max);
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        done(seen > max ? new BodyTooLargeError(max) : null, chunk);
      },
    });
    return payload.pipe(counted);
  });
}
