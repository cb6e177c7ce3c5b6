import type { PullOutput, PushOutput, SealedChange, SyncLimitName } from '@codeface/sync/protocol';
import { base64UrlDecodedLength } from '@codeface/sync/crypto';
import type { SyncLimits } from '../config';
import { SyncServerError } from '../errors';
import type { SqlDatabase } from '../storage/sql-database';
import { toBytes, toSafeNumber } from '../storage/sql-database';

/** Refuses a push of more than `maxBatchChanges` changes; callable before the changes are read. */
export function checkBatchCount(count: number, limits: Pick<SyncLimits, 'maxBatchChanges'>): void {
  if (count <= limits.maxBatchChanges) return;
  throw new SyncServerError(
    'limit-exceeded',
    `A push may carry at most ${limits.maxBatchChanges} changes (maxBatchChanges); this one has ${count}.`,
    {
      limit: 'maxBatchChanges' satisfies SyncLimitName,
      max: limits.maxBatchChanges,
      actual: count,
    },
  );
}

export type ChangeStoreDeps = { db: SqlDatabase; limits: SyncLimits; now: () => number };

/**
 * The ciphertext relay. A push is one transaction that first locks the user's counter row, so
 * pushes of one user are serialised and their sequence numbers have no gaps; changes already
 * stored (same id) are acknowledged with their old number and nothing else happens to them.
 */
export function createChangeStore(deps: ChangeStoreDeps) {
  const { db, limits } = deps;

  function checkBatch(changes: SealedChange[]): void {
    checkBatchCount(changes.length, limits);
    for (const change of changes) {
      const size = base64UrlDecodedLength(change.ciphertext);
      if (size > limits.maxChangeBytes) {
        throw new SyncServerError(
          'limit-exceeded',
          `Change ${change.id} is ${size} bytes; at most ${limits.maxChangeBytes} are allowed (maxChangeBytes).`,
          {
            limit: 'maxChangeBytes' satisfies SyncLimitName,
            max: limits.maxChangeBytes,
            actual: size,
            changeId: change.id,
          },
        );
      }
    }
  }

  async function highWaterMark(userId: string): Promise<number> {
    const state = await db.query<{ high_water_mark: unknown }>(
      'SELECT high_water_mark FROM sync_state WHERE user_id = $1',
      [userId],
    );
    const row = state.rows[0];
    return row ? toSafeNumber(row.high_water_mark) : 0;
  }

  return {
    highWaterMark,

    async push(options: { userId: string; changes: SealedChange[] }): Promise<PushOutput> {
      checkBatch(options.changes);
      // The first occurrence of an id in a batch wins, as it would across batches.
      const firstById = new Map<string, SealedChange>();
      for (const change of options.changes) {
        if (!firstById.has(change.id)) firstById.set(change.id, change);
      }
      const batch = [...firstById.values()];
      const ids = batch.map((c) => c.id);
      return db.transaction(async (tx) => {
        const state = await tx.query<{ high_water_mark: unknown; bytes_used: unknown }>(
          'SELECT high_water_mark, bytes_used FROM sync_state WHERE user_id = $1 FOR UPDATE',
          [options.userId],
        );
        const row = state.rows[0];
        if (!row) throw new SyncServerError('not-found', 'The account no longer exists.');
        let mark = toSafeNumber(row.high_water_mark);
        const bytesUsed = toSafeNumber(row.bytes_used);

        const existing = await tx.query<{ id: string; seq: unknown }>(
          'SELECT id, seq FROM changes WHERE user_id = $1 AND id = ANY($2::text[])',
          [options.userId, ids],
        );
        const seqById = new Map(existing.rows.map((r) => [r.id, toSafeNumber(r.seq)]));
        const fresh = batch.filter((c) => !seqById.has(c.id));
        // Node's Buffer codec rather than the portable one in @codeface/sync/crypto: this is
        // the hot path, and the schema has already checked that the text is base64url.
        const freshBytes = fresh.map((c) => Buffer.from(c.ciphertext, 'base64url'));
        const addedBytes = freshBytes.reduce((sum, bytes) => sum + bytes.length, 0);
        if (bytesUsed + addedBytes > limits.maxUserBytes) {
          throw new SyncServerError(
            'limit-exceeded',
            `This account's quota of ${limits.maxUserBytes} bytes (maxUserBytes) would be exceeded.`,
            {
              limit: 'maxUserBytes' satisfies SyncLimitName,
              max: limits.maxUserBytes,
              actual: bytesUsed + addedBytes,
            },
          );
        }
        if (fresh.length > 0) {
          const newMark = mark + fresh.length;
          const params: unknown[] = [options.userId, deps.now(), newMark, addedBytes];
          const rows = fresh.map((change, i) => {
            const seq = mark + i + 1;
            seqById.set(change.id, seq);
            params.push(change.id, seq, change.deviceId, freshBytes[i]);
            const p = params.length;
            return `($1, $${p - 3}, $${p - 2}, $${p - 1}, $${p}, $2)`;
          });
          // One statement (one round trip) inserts the rows and moves the counter.
          const result = await tx.query<{ inserted: unknown }>(
            `WITH inserted AS (
               INSERT INTO changes (user_id, id, seq, device_id, ciphertext, received_at)
               VALUES ${rows.join(', ')} ON CONFLICT (user_id, id) DO NOTHING RETURNING id
             )
             UPDATE sync_state SET high_water_mark = $3, bytes_used = bytes_used + $4
             WHERE user_id = $1
             RETURNING (SELECT count(*) FROM inserted) AS inserted`,
            params,
          );
          // Under the counter lock nobody else can insert this user's changes; a mismatch means
          // the invariant broke, and the transaction must not commit numbers with gaps.
          const inserted = toSafeNumber(result.rows[0]?.inserted ?? 0);
          if (inserted !== fresh.length) {
            throw new Error(`inserted ${inserted} of ${fresh.length} new changes`);
          }
          mark = newMark;
        }
        return {
          accepted: batch.map((c) => ({ id: c.id, seq: seqById.get(c.id) ?? 0 })),
          inserted: fresh.length,
          highWaterMark: mark,
        };
      });
    },

    async pull(options: { userId: string; cursor: number; limit?: number }): Promise<PullOutput> {
      const limit = Math.min(options.limit ?? limits.maxPullChanges, limits.maxPullChanges);
      const [page, state] = await Promise.all([
        db.query<{ id: string; seq: unknown; device_id: string; ciphertext: unknown }>(
          'SELECT id, seq, device_id, ciphertext FROM changes WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
          [options.userId, options.cursor, limit + 1],
        ),
        highWaterMark(options.userId),
      ]);
      const rows = page.rows.slice(0, limit);
      const changes = rows.map((r) => ({
        id: r.id,
        deviceId: r.device_id,
        seq: toSafeNumber(r.seq),
        ciphertext: Buffer.from(toBytes(r.ciphertext)).toString('base64url'),
      }));
      const last = changes[changes.length - 1];
      return {
        changes,
        nextCursor: last ? last.seq : options.cursor,
        hasMore: page.rows.length > limit,
        highWaterMark: Math.max(state, last?.seq ?? 0),
      };
    },
  };
}
export type ChangeStore = ReturnType<typeof createChangeStore>;
