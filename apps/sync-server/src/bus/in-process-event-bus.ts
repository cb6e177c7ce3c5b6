import { LocalListeners, type EventBus } from './event-bus';

/** The bus of a single instance (no REDIS_URL): listeners in this process only. */
export function createInProcessEventBus(): EventBus {
  const listeners = new LocalListeners();
  return {
    kind: 'in-process',
    publish: async (userId, event) => listeners.deliver(userId, event),
    subscribe: (userId, listener) => listeners.add(userId, listener).remove,
    ping: async () => undefined,
    connected: () => true,
    ready: async () => undefined,
    close: async () => undefined,
  };
}
