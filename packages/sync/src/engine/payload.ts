import {
  type QuarantinedChange,
  type RemoteChange,
  parseHlc,
  remoteChangeSchema,
} from '@codeface/db';
import { z } from 'zod';
import { CryptoError, bytesToUtf8, openChange, sealChange, utf8ToBytes } from '../crypto';
import type { RandomBytes } from '../crypto/random';
import type { SealedChange } from '../protocol';
import type { StoredChange } from '../protocol/schemas';
import { type OutgoingChange, syncedPart } from './scope';

/**
 * The plaintext of a sealed change (SPEC.md, "Change payload"). Its own version, since it is a
 * contract between devices that the server never reads: a device meeting a newer one keeps the
 * change aside and says to update.
 */
export const PAYLOAD_VERSION = 1;

const versionSchema = z.object({ v: z.number().int().positive() });

const payloadSchema = z.strictObject({
  v: z.literal(PAYLOAD_VERSION),
  id: z.string(),
  entity: z.string(),
  entityId: z.string(),
  op: z.enum(['put', 'delete']),
  hlc: z.string(),
  deviceId: z.string(),
  fields: z.record(z.string(), z.unknown()),
});

export type SealOptions = { dataKey: Uint8Array; randomBytes?: RandomBytes };

/** Seals a local change for the server: everything but its id and device is ciphertext. */
export function sealOutgoing(change: OutgoingChange, options: SealOptions): SealedChange {
  const payload: z.infer<typeof payloadSchema> = { v: PAYLOAD_VERSION, ...change };
  return {
    id: change.id,
    deviceId: change.deviceId,
    ciphertext: sealChange({
      dataKey: options.dataKey,
      changeId: change.id,
      plaintext: utf8ToBytes(JSON.stringify(payload)),
      randomBytes: options.randomBytes,
    }),
  };
}

/** Why a received change was set aside instead of merged. */
export type QuarantineReason =
  'decrypt-failure' | 'malformed' | 'unsupported-version' | 'invalid-change' | 'clock-ahead';

export type Opened =
  | { kind: 'change'; change: RemoteChange }
  /** Something this version does not sync (a newer app's entity, a device setting). */
  | { kind: 'skip' }
  | { kind: 'quarantine'; entry: QuarantinedChange };

export type OpenOptions = {
  dataKey: Uint8Array;
  now: () => number;
  /** A change stamped further ahead of this device's clock than this waits (`clock-ahead`). */
  maxDriftMs: number;
};

/**
 * Opens and checks a change from the server. Nothing in it is trusted: a change that does not
 * open, parse, match its envelope or fit its tables is quarantined with the first problem found
 * (never with its plaintext), and the changes after it go on.
 */
export function openIncoming(sealed: StoredChange, options: OpenOptions): Opened {
  const quarantine = (reason: QuarantineReason, detail: string): Opened => ({
    kind: 'quarantine',
    entry: {
      changeId: sealed.id,
      seq: sealed.seq,
      deviceId: sealed.deviceId,
      reason,
      detail,
      ciphertext: sealed.ciphertext,
      quarantinedAt: options.now(),
    },
  });

  let json: unknown;
  try {
    const plaintext = openChange({
      dataKey: options.dataKey,
      changeId: sealed.id,
      ciphertext: sealed.ciphertext,
    });
    json = JSON.parse(bytesToUtf8(plaintext));
  } catch (error) {
    if (error instanceof CryptoError) return quarantine(error.code, CRYPTO_DETAIL[error.code]);
    return quarantine('invalid-change', 'The change opened but is not UTF-8 JSON.');
  }
  const version = versionSchema.safeParse(json);
  if (version.success && version.data.v > PAYLOAD_VERSION) {
    return quarantine(
      'unsupported-version',
      `The change was made by a newer CodeFace (change format ${version.data.v}); update CodeFace to see it.`,
    );
  }
  const payload = payloadSchema.safeParse(json);
  if (!payload.success) return quarantine('invalid-change', describeIssue(payload.error));
  const { v: _version, ...change } = payload.data;
  if (change.id !== sealed.id || change.deviceId !== sealed.deviceId) {
    return quarantine(
      'invalid-change',
      'The change names another id or device than the server gave it.',
    );
  }
  const synced = syncedPart(change);
  if (synced === null) return { kind: 'skip' };
  const checked = remoteChangeSchema.safeParse(synced);
  if (!checked.success) return quarantine('invalid-change', describeIssue(checked.error));
  const madeAt = parseHlc(checked.data.hlc).millis;
  if (madeAt - options.now() > options.maxDriftMs) {
    return quarantine(
      'clock-ahead',
      `The change is stamped ${new Date(madeAt).toISOString()}, ahead of this device's clock; it is merged once that time has come.`,
    );
  }
  return { kind: 'change', change: checked.data };
}

const CRYPTO_DETAIL: Record<CryptoError['code'], string> = {
  'decrypt-failure':
    'The change does not open with this account’s key: it was altered or sealed with another key.',
  malformed: 'The change is not a sealed change (too short or not base64url).',
  'unsupported-version': 'The change was sealed in a newer format; update CodeFace to see it.',
};

/** The first problem, where it is and what is wrong, never the value itself. */
function describeIssue(error: z.ZodError): string {
  const [first] = error.issues.map(
    (issue) => `${issue.path.join('.') || 'change'}: ${issue.message}`,
  );
  return `The change does not fit (${first}).`;
}
