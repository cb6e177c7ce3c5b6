import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { LocalListeners, type EventBus, type UserEvent } from './event-bus';
import { waitForRedis } from './wait-for-redis';

const CHANNEL_PREFIX = 'codeface:sync:user:';

const envelopeSchema = z.object({
  from: z.string(),
  /** Epoch ms at publish, for the bus lag metric; older instances (a rolling update) omit it. */
  sentAt: z.number().optional(),
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('high-water-mark'), highWaterMark: z.number().int().min(0) }),
    z.object({ type: z.literal('device-revoked'), deviceId: z.string() }),
    z.object({ type: z.literal('resync') }),
  ]),
});

export type RedisEventBusOptions = {
  url: string;
  onError?: (error: Error) => void;
  /** Each event heard from another instance, with the ms since it was published. */
  onDelivered?: (lagMs: number) => void;
  /** Each time the subscriber connection came back and listeners were told to re-read. */
  onResync?: () => void;
  now?: () => number;
};

/**
 * Redis pub/sub between instances, one channel per user, subscribed while this instance has a
 * listener for that user. Publishing never waits for a Redis that is down (no offline queue):
 * the change is already committed, and when the subscriber connection comes back every local
 * listener gets `resync` and re-reads the high-water mark, so nothing said during the outage is
 * lost for good.
 */
export function createRedisEventBus(options: RedisEventBusOptions): EventBus {
  const instanceId = randomUUID();
  const now = options.now ?? Date.now;
  const retryStrategy = (times: number) => Math.min(50 * times, 1000);
  const publisher = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
  });
  const subscriber = new Redis(options.url, { retryStrategy, maxRetriesPerRequest: null });
  const listeners = new LocalListeners();
  const report = (error: Error) => options.onError?.(error);
  publisher.on('error', report);
  subscriber.on('error', report);

  let wasReady = false;
  subscriber.on('ready', () => {
    if (wasReady) {
      options.onResync?.();
      listeners.deliverToAll({ type: 'resync' });
    }
    wasReady = true;
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (!channel.startsWith(CHANNEL_PREFIX)) return;
    const parsed = safeParseEnvelope(message);
    // Our own messages were delivered locally when published.
    if (!parsed || parsed.from === instanceId) return;
    if (parsed.sentAt !== undefined) options.onDelivered?.(Math.max(0, now() - parsed.sentAt));
    listeners.deliver(channel.slice(CHANNEL_PREFIX.length), parsed.event);
  });

  return {
    kind: 'redis',
    ready: async (timeoutMs) => {
      await Promise.all([waitForRedis(publisher, timeoutMs), waitForRedis(subscriber, timeoutMs)]);
    },
    publish: async (userId, event: UserEvent) => {
      listeners.deliver(userId, event);
      await publisher.publish(
        CHANNEL_PREFIX + userId,
        JSON.stringify({ from: instanceId, sentAt: now(), event } satisfies z.infer<
          typeof envelopeSchema
        >),
      );
    },
    subscribe: (userId, listener) => {
      const handle = listeners.add(userId, listener);
      if (handle.first) subscriber.subscribe(CHANNEL_PREFIX + userId).catch(report);
      return () => {
        if (handle.remove()) subscriber.unsubscribe(CHANNEL_PREFIX + userId).catch(report);
      };
    },
    ping: async () => {
      await publisher.ping();
    },
    connected: () => publisher.status === 'ready' && subscriber.status === 'ready',
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

function safeParseEnvelope(message: string): z.infer<typeof envelopeSchema> | undefined {
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
