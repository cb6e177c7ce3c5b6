import {
  DEFAULT_SYNC_LIMITS,
  type PullOutput,
  type PushOutput,
  type SealedChange,
  pullInputSchema,
  pushInputSchema,
} from '../../src/protocol';
import type { PullInput, StoredChange } from '../../src/protocol/schemas';
import type { SyncLimits } from '../../src/protocol/meta';
import { SyncError } from '../../src/engine/sync-error';
import type { SubscriptionHandlers, SyncTransport } from '../../src/engine/ports';

/**
 * A sync server in memory, with the protocol's semantics (gap-free numbering, idempotent push,
 * paged pull, "pull now" on subscribe and on every new mark) and switches for what goes wrong
 * in the field: a device offline, an acknowledgement lost after the server stored the push, a
 * restart that drops every live stream, pages delivered out of order or twice, a stored change
 * altered.
 */
export class MemoryServer {
  readonly stored: StoredChange[] = [];
  private readonly byId = new Map<string, StoredChange>();
  private readonly subscribers = new Set<SubscriptionHandlers>();
  limits: SyncLimits = { ...DEFAULT_SYNC_LIMITS };
  /** Every push and pull request, for tests that count them. */
  readonly requests: { device: string; kind: 'push' | 'pull'; changes: number }[] = [];

  get highWaterMark(): number {
    return this.stored.length;
  }

  /** A device's connection to this server. */
  transportFor(device: string, faults: DeviceFaults = new DeviceFaults()): SyncTransport {
    return {
      limits: async () => {
        faults.check();
        return this.limits;
      },
      push: async (changes) => {
        faults.check();
        this.requests.push({ device, kind: 'push', changes: changes.length });
        const result = this.push(changes);
        if (faults.takeLostAck()) {
          throw new SyncError('network', 'The answer to the push was lost.');
        }
        return result;
      },
      pull: async (input) => {
        faults.check();
        this.requests.push({ device, kind: 'pull', changes: 0 });
        const page = this.pull(input);
        return faults.deliver(page);
      },
      subscribe: (handlers) => {
        if (faults.offline) {
          queueMicrotask(() => handlers.onError(new SyncError('network', 'offline')));
          return { close: () => undefined };
        }
        this.subscribers.add(handlers);
        const mark = this.highWaterMark;
        queueMicrotask(() => {
          if (this.subscribers.has(handlers)) {
            handlers.onPullNow({ type: 'pull-now', highWaterMark: mark });
          }
        });
        return { close: () => this.subscribers.delete(handlers) };
      },
    };
  }

  push(changes: SealedChange[]): PushOutput {
    pushInputSchema.parse({ changes });
    const accepted: PushOutput['accepted'] = [];
    let inserted = 0;
    for (const change of changes) {
      let stored = this.byId.get(change.id);
      if (stored === undefined) {
        stored = { ...change, seq: this.stored.length + 1 };
        this.stored.push(stored);
        this.byId.set(change.id, stored);
        inserted += 1;
      }
      if (!accepted.some((entry) => entry.id === change.id)) {
        accepted.push({ id: change.id, seq: stored.seq });
      }
    }
    if (inserted > 0) {
      const event = { type: 'pull-now' as const, highWaterMark: this.highWaterMark };
      for (const subscriber of [...this.subscribers]) {
        queueMicrotask(() => {
          if (this.subscribers.has(subscriber)) subscriber.onPullNow(event);
        });
      }
    }
    return { accepted, inserted, highWaterMark: this.highWaterMark };
  }

  pull(input: PullInput): PullOutput {
    const { cursor, limit } = pullInputSchema.parse(input);
    const max = Math.min(limit ?? this.limits.maxPullChanges, this.limits.maxPullChanges);
    const changes = this.stored.slice(cursor, cursor + max);
    const nextCursor = changes.at(-1)?.seq ?? cursor;
    return {
      changes,
      nextCursor,
      hasMore: nextCursor < this.highWaterMark,
      highWaterMark: this.highWaterMark,
    };
  }

  /** A restart: stored changes stay, every live stream ends as if the connection dropped. */
  restart(): void {
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) {
      subscriber.onError(new SyncError('network', 'The server restarted.'));
    }
  }

  /** Ends every live stream with this error (a revoked device, say). */
  endStreams(error: SyncError): void {
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) subscriber.onError(error);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Flips one byte of a stored change's ciphertext, as a hostile or broken server might. */
  tamper(seq: number, byteIndex: number): void {
    const stored = this.stored[seq - 1];
    if (stored === undefined) throw new Error(`no change ${seq}`);
    const bytes = Buffer.from(stored.ciphertext, 'base64url');
    bytes[byteIndex % bytes.length] = (bytes[byteIndex % bytes.length] ?? 0) ^ 0x40;
    stored.ciphertext = bytes.toString('base64url');
  }
}

/** What goes wrong between one device and the server. */
export class DeviceFaults {
  offline = false;
  /** The next push is stored, but its answer never reaches the device. */
  loseNextAck = false;
  /** Pages come with their changes shuffled, as if the network reordered them. */
  reorder: (() => number) | null = null;
  /** Pages come with some of their changes twice. */
  duplicate = false;
  /** Pull pages delivered before the connection breaks; null: it does not. */
  pagesLeft: number | null = null;

  check(): void {
    if (this.offline) throw new SyncError('network', 'The device is offline.');
  }

  /** Everything works again. */
  heal(): void {
    this.offline = false;
    this.loseNextAck = false;
    this.pagesLeft = null;
  }

  takeLostAck(): boolean {
    const lost = this.loseNextAck;
    this.loseNextAck = false;
    return lost;
  }

  deliver(page: PullOutput): PullOutput {
    if (this.pagesLeft !== null) {
      if (this.pagesLeft === 0) {
        this.pagesLeft = null;
        throw new SyncError('network', 'The connection broke during the pull.');
      }
      this.pagesLeft -= 1;
    }
    let changes = page.changes;
    if (this.duplicate)
      changes = changes.flatMap((change, i) => (i % 2 === 0 ? [change, change] : [change]));
    if (this.reorder !== null) {
      const random = this.reorder;
      changes = changes
        .map((change) => ({ change, key: random() }))
        .sort((a, b) => a.key - b.key)
        .map(({ change }) => change);
    }
    return { ...page, changes };
  }
}
