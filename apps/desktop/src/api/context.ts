import type { AppGate } from './app-gate';
import type { Services } from './services';
import type { TabPage } from './services/generation-service';

/** What every procedure sees: the services, and how to pace streaming over this transport. */
export type ApiContext = {
  /** Read only when a procedure runs: behind a lock it throws `locked` (see `gateContext`). */
  services: Services;
  /** The unlock screen's calls; absent where the app was opened without a gate (tests). */
  lock?: Pick<AppGate, 'status' | 'unlock' | 'startFresh'>;
  /** Resolves once the transport has flushed what it was given (WebSocket backpressure). */
  transportReady?: () => Promise<void>;
  /**
   * Whether this connection is gone without its client having left: dropped (a network, a
   * missed keep-alive), so the client will reconnect and resume its subscriptions. Absent where
   * a connection cannot drop; then an ended subscription was ended by its client.
   */
  connectionLost?: () => boolean;
  /**
   * Resolves if this connection ends because its page went away (closed, reloaded, navigated:
   * WebSocket close code 1001). An answer it was following then stops instead of waiting to be
   * resumed, even where the page's own unsubscribe arrived with the close and read as a drop.
   */
  connectionLeft?: Promise<void>;
  /** The browser page this connection serves, in its tab, where the transport knows it. */
  page?: TabPage;
};

/** What a transport knows of one connection, handed to the context it is served with. */
export type ConnectionContext = Pick<
  ApiContext,
  'transportReady' | 'connectionLost' | 'connectionLeft' | 'page'
>;

/**
 * A context over a gate: the services are looked up at each call, so unlocking needs no
 * reconnect. The transport passes its connection in rather than spreading this object: a spread
 * reads `services`, which throws while the gate is locked, and would refuse every connection to
 * a locked app, the unlock screen's own included.
 */
export function gateContext(gate: AppGate, connection: ConnectionContext = {}): ApiContext {
  return {
    get services() {
      return gate.services();
    },
    lock: gate,
    ...connection,
  };
}
