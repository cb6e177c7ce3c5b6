import { Transform } from 'node:stream';
import { sealedChangeSchema, type SyncLimitName } from '@codeface/sync/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SyncLimits } from '../config';
import { createJsonValueCounter } from './json-values';

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

/**
 * The most JSON values a push of `maxBatchChanges` changes holds: the object around them, the
 * array, and per change its object and one value per field (json-values.ts counts the same way).
 */
export function pushValueLimit(limits: Pick<SyncLimits, 'maxBatchChanges'>) {
  const perChange = 1 + Object.keys(sealedChangeSchema.shape).length;
  return 2 + perChange * limits.maxBatchChanges;
}

/** The body limit of the call a request makes; the largest one is Fastify's `bodyLimit`. */
export function bodyLimitFor(req: FastifyRequest, pushLimit: number): number {
  const procedure = (req.params as { path?: unknown } | undefined)?.path;
  return procedure === 'sync.push' ? pushLimit : SMALL_BODY_BYTES;
}

/** A body refused before it is parsed; the error handler turns it into a 413 that says what to do. */
export class BodyRefusedError extends Error {
  readonly statusCode = 413;
  constructor(
    readonly limit: 'bodyLimit' | SyncLimitName,
    readonly max: number,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRefusedError';
  }
}

export const bodyTooLarge = (max: number) =>
  new BodyRefusedError(
    'bodyLimit',
    max,
    `The request body is larger than this call takes (at most ${max} bytes). Send less at once: a push may carry at most the limits meta.info reports.`,
  );

const tooManyChanges = (max: number) =>
  new BodyRefusedError(
    'maxBatchChanges',
    max,
    `A push may carry at most ${max} changes (maxBatchChanges); this one has more. Push them in batches of at most ${max}.`,
  );

/**
 * Bodies are bounded per call before they are read: a declared length over the limit is
 * refused at once, and a body without one is cut off as soon as it passes it. Only a push may be
 * large, and only as large as the protocol limits allow; its values are counted as it arrives,
 * so that a push of 340,000 tiny changes is refused in its first chunks instead of being read,
 * decoded and parsed whole (seconds of the event loop) only to be refused on its count.
 */
export function registerBodyLimits(
  app: FastifyInstance,
  options: { pushLimit: number; limits: Pick<SyncLimits, 'maxBatchChanges'> },
): void {
  const maxPushValues = pushValueLimit(options.limits);
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD') return payload;
    const max = bodyLimitFor(req, options.pushLimit);
    if (Number(req.headers['content-length'] ?? 0) > max) throw bodyTooLarge(max);
    const values = max === options.pushLimit ? createJsonValueCounter() : undefined;
    let seen = 0;
    let refusal: BodyRefusedError | undefined;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        if (refusal === undefined) {
          if (seen > max) refusal = bodyTooLarge(max);
          else if (values && values.add(chunk) > maxPushValues) {
            refusal = tooManyChanges(options.limits.maxBatchChanges);
          } else return done(null, chunk);
        }
        // The rest of a refused body is read and dropped, and the refusal sent once it ends: a
        // client still sending would otherwise get a reset (a socket closed with unread data
        // resets) instead of the 413. Past the most this server ever reads, it is cut off.
        done(seen > options.pushLimit ? refusal : null);
      },
      flush(done) {
        done(refusal ?? null);
      },
    });
    return payload.pipe(counted);
  });
}
