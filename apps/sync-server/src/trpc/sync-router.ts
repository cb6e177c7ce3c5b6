import { on } from 'node:events';
import { EventEmitter } from 'node:events';
import { pullInputSchema, pushInputSchema, type PullNowEvent } from '@codeface/sync/protocol';
import { base64UrlDecodedLength } from '@codeface/sync/crypto';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import type { UserEvent } from '../bus/event-bus';
import { SyncServerError } from '../errors';
import { authedProcedure } from './trpc';

export const syncRouter = {
  push: authedProcedure.input(pushInputSchema).mutation(async ({ ctx, input }) => {
    const { changes, bus, metrics, onBusError } = ctx.services;
    const result = await changes.push({ userId: ctx.caller.userId, changes: input.changes });
    metrics.pushes.inc();
    metrics.pushBatchSize.observe(input.changes.length);
    metrics.pushedChanges.inc({ outcome: 'new' }, result.inserted);
    metrics.pushedChanges.inc({ outcome: 'duplicate' }, input.changes.length - result.inserted);
    metrics.pushedBytes.inc(
      input.changes.reduce((sum, c) => sum + base64UrlDecodedLength(c.ciphertext), 0),
    );
    if (result.inserted > 0) {
      // The changes are committed: the answer does not wait for the bus, and a bus that is down
      // must not turn the push into an error, or the client would retry what is already stored.
      // Listeners re-read the mark when the bus comes back.
      bus
        .publish(ctx.caller.userId, {
          type: 'high-water-mark',
          highWaterMark: result.highWaterMark,
        })
        .catch((error: unknown) => {
          metrics.busPublishFailures.inc();
          onBusError(error);
        });
    }
    return result;
  }),

  pull: authedProcedure.input(pullInputSchema).query(async ({ ctx, input }) => {
    const result = await ctx.services.changes.pull({
      userId: ctx.caller.userId,
      cursor: input.cursor,
      limit: input.limit,
    });
    ctx.services.metrics.pulls.inc();
    ctx.services.metrics.pulledChanges.inc(result.changes.length);
    ctx.services.metrics.pullPageSize.observe(result.changes.length);
    ctx.services.metrics.pulledBytes.inc(
      result.changes.reduce((sum, c) => sum + base64UrlDecodedLength(c.ciphertext), 0),
    );
    return result;
  }),

  /**
   * Says "pull now" with the high-water mark: once at the start, then whenever the mark rises or
   * the bus had an outage. Ends with UNAUTHORIZED when this device is revoked.
   */
  subscribe: authedProcedure.input(z.strictObject({}).optional()).subscription(async function* ({
    ctx,
    signal,
  }): AsyncGenerator<PullNowEvent> {
    const { bus, changes, metrics } = ctx.services;
    const { userId, deviceId } = ctx.caller;
    const events = new EventEmitter();
    // Subscribe before reading the mark, so that nothing published in between is missed.
    const unsubscribe = bus.subscribe(userId, (event) => events.emit('event', event));
    metrics.subscriptions.inc();
    try {
      let last = await changes.highWaterMark(userId);
      yield { type: 'pull-now', highWaterMark: last };
      for await (const [event] of on(events, 'event', { signal }) as AsyncIterable<[UserEvent]>) {
        if (event.type === 'device-revoked') {
          if (event.deviceId !== deviceId) continue;
          throw new SyncServerError('device-revoked', 'This device was signed out.');
        }
        const mark =
          event.type === 'resync' ? await changes.highWaterMark(userId) : event.highWaterMark;
        if (mark > last || event.type === 'resync') {
          last = Math.max(last, mark);
          yield { type: 'pull-now', highWaterMark: last };
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      unsubscribe();
      metrics.subscriptions.dec();
    }
  }),
} satisfies TRPCRouterRecord;
