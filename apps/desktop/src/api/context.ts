import type { Services } from './services';

/** What every procedure sees: the services, and how to pace streaming over this transport. */
export type ApiContext = {
  services: Services;
  /** Resolves once the transport has flushed what it was given (WebSocket backpressure). */
  transportReady?: () => Promise<void>;
};
