/**
 * What one instance tells the others about a user. Instances share nothing but the database
 * and this bus, so any of them can serve any device.
 */
export type UserEvent =
  | { type: 'high-water-mark'; highWaterMark: number }
  | { type: 'device-revoked'; deviceId: string }
  /** The bus lost messages (a Redis outage): listeners should re-read the state. */
  | { type: 'resync' };

export type UserEventListener = (event: UserEvent) => void;

export interface EventBus {
  readonly kind: 'in-process' | 'redis';
  /** Delivers to this instance's listeners at once and to other instances through the bus. */
  publish(userId: string, event: UserEvent): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(userId: string, listener: UserEventListener): () => void;
  ping(): Promise<void>;
  /** Whether the bus is connected now (no round trip; for the metrics). */
  connected(): boolean;
  /** Resolves once connected, or after `timeoutMs` if it cannot connect yet. */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The listeners of one instance, keyed by user. */
export class LocalListeners {
  private readonly byUser = new Map<string, Set<UserEventListener>>();

  add(userId: string, listener: UserEventListener): { first: boolean; remove: () => boolean } {
    let set = this.byUser.get(userId);
    const first = !set;
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(listener);
    return {
      first,
      // Returns whether that was the user's last listener.
      remove: () => {
        const current = this.byUser.get(userId);
        if (!current?.delete(listener)) return false;
        if (current.size > 0) return false;
        this.byUser.delete(userId);
        return true;
      },
    };
  }

  deliver(userId: string, event: UserEvent): void {
    for (const listener of this.byUser.get(userId) ?? []) listener(event);
  }

  deliverToAll(event: UserEvent): void {
    for (const userId of this.byUser.keys()) this.deliver(userId, event);
  }
}
