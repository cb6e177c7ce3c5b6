import { EventEmitter, on } from 'node:events';
import { pullInputSchema, pushInputSchema, type PullNowEvent } from '@codeface/sync/protocol';
import { base64UrlDecodedLength } from '@codeface/sync/crypto';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import type { UserEvent } from '../bus/event-bus';
import { SyncServerError } from '../errors';
import { checkBatchCount } from '../sync/change-store';
import { authedProcedure } from './trpc';

/** What a subscription waits for: the user's events, and its access token's expiry. */
type SubscriptionEvent = UserEvent | { type: 'token-expired' };

/** Node's timers take at most 2^31 - 1 ms; a later time re-arms on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fire` once `now()` reaches `at`; returns the function that cancels it. */
function whenPassed(at: number, now: () => number, fire: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = at - now();
    if (left <= 0) fire();
    else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * A push's changes are counted on the raw input, before any is validated: validating 340,000
 * tiny changes only to refuse them took seconds of the event loop. (A push of far more values
 * than `maxBatchChanges` changes hold is refused earlier still, as it arrives: body-limits.ts.)
 */
const countedPush = authedProcedure.use(async ({ ctx, getRawInput, next }) => {
  const changes = ((await getRawInput()) as { changes?: unknown } | undefined)?.changes;
  if (Array.isArray(changes)) checkBatchCount(changes.length, ctx.services.limits);
  return next();
});

export const syncRouter = {
  push: countedPush.input(pushInputSchema).mutation(async ({ ctx, input }) => {
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
   * the bus had an outage. Ends with UNAUTHORIZED `device-revoked` when this device is revoked
   * (or signs out, or its account is deleted), and `token-expired` when the access token it
   * started with expires: the client refreshes and subscribes again.
   */
  subscribe: authedProcedure.input(z.strictObject({}).optional()).subscription(async function* ({
    ctx,
    signal,
  }): AsyncGenerator<PullNowEvent> {
    const { accounts, bus, changes, metrics, now } = ctx.services;
    const { userId, deviceId, accessTokenExpiresAt } = ctx.caller;
    const events = new EventEmitter();
    // Listen before reading the mark, and queue from the start (`on` buffers), so that nothing
    // published in between is missed, a revocation included.
    const stream = on(events, 'event', { signal }) as AsyncIterableIterator<[SubscriptionEvent]>;
    const unsubscribe = bus.subscribe(userId, (event) => events.emit('event', event));
    const cancelExpiry = whenPassed(accessTokenExpiresAt, now, () =>
      events.emit('event', { type: 'token-expired' } satisfies SubscriptionEvent),
    );
    metrics.subscriptions.inc();
    try {
      let last = await changes.highWaterMark(userId);
      yield { type: 'pull-now', highWaterMark: last };
      for await (const [event] of stream) {
        switch (event.type) {
          case 'token-expired':
            throw new SyncServerError(
              'token-expired',
              'The access token has expired; refresh it and subscribe again.',
            );
          case 'device-revoked':
            if (event.deviceId !== deviceId) continue;
            throw new SyncServerError('device-revoked', 'This device was signed out.');
          case 'resync':
            // The bus lost messages, perhaps this device's revocation: check it again.
            await accounts.authenticate(ctx.accessToken);
            last = Math.max(last, await changes.highWaterMark(userId));
            yield { type: 'pull-now', highWaterMark: last };
            continue;
          case 'high-water-mark':
            if (event.highWaterMark <= last) continue;
            last = event.highWaterMark;
            yield { type: 'pull-now', highWaterMark: last };
            continue;
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      cancelExpiry();
      unsubscribe();
      await stream.return?.();
      metrics.subscriptions.dec();
    }
  }),
} satisfies TRPCRouterRecord;
