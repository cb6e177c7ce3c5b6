import type { MergeReport, QuarantinedChange } from '@codeface/db';
import type { RandomBytes } from '../crypto/random';
import { type BackoffPolicy, type BucketPolicy, TokenBucket, backoffDelay } from './pacing';
import type { Subscription, SyncStore, SyncTransport, Timers } from './ports';
import { type PulledPage, Replicator, type UnsendableChange } from './replicator';
import { SYNCED_ENTITIES } from './scope';
import { type SyncStatus, describeFailure, initialStatus } from './status';
import { type SyncFailure, SyncError, actionFor } from './sync-error';

export type SyncPolicy = {
  /** Waits after failures of a sync run, and of the live subscription. */
  backoff: BackoffPolicy;
  /** Sync runs: a burst at once, then at most `perSecond` (a streamed answer is coalesced). */
  runs: BucketPolicy;
  /** A push and pull even when nothing announced one (writes by another process, a lost event). */
  heartbeatMs: number;
  /** A change stamped further ahead of this clock waits in the quarantine until it is due. */
  maxDriftMs: number;
};

const DEFAULT_SYNC_POLICY: SyncPolicy = {
  backoff: { baseMs: 1000, maxMs: 2 * 60_000 },
  runs: { burst: 10, perSecond: 1 },
  heartbeatMs: 60_000,
  maxDriftMs: 5 * 60_000,
};

export type SyncEngineOptions = {
  store: SyncStore;
  transport: SyncTransport;
  /** The account's 32-byte data key. */
  dataKey: Uint8Array;
  /**
   * Which account the store's cursors belong to (the server URL and user id, say): signing in
   * to another account starts over from its first change.
   */
  account: string;
  now?: () => number;
  /** In [0, 1): the jitter of backoff. */
  random?: () => number;
  timers?: Timers;
  randomBytes?: RandomBytes;
  policy?: Partial<SyncPolicy>;
};

const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

type TimerName = 'run' | 'heartbeat' | 'resubscribe';

/**
 * Keeps one store in sync with one account, live: it pushes soon after each local change,
 * pulls when the server says "pull now", retries with backoff when offline, and stops cleanly
 * when the device is signed out or the server speaks a newer protocol. The app starts it after
 * sign-in, stops it at sign-out, and shows `status()`.
 */
export class SyncEngine {
  private readonly store: SyncStore;
  private readonly transport: SyncTransport;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly policy: SyncPolicy;
  private readonly runs: TokenBucket;
  private readonly statusListeners = new Set<(status: SyncStatus) => void>();
  private readonly changeListeners = new Set<(report: MergeReport) => void>();
  private readonly timerHandles = new Map<TimerName, unknown>();
  private current: SyncStatus = initialStatus();
  private replicator: Replicator | null = null;
  private active = false;
  private wantPush = false;
  /** A pull asked for whatever the server has (start, syncNow, the heartbeat, a retry). */
  private wantPull = false;
  /** The highest mark the server announced: a pull is due while the cursor is below it. */
  private latestMark = 0;
  private running: Promise<void> | null = null;
  private failures = 0;
  private subscription: Subscription | null = null;
  private subscriptionFailures = 0;
  private stopListening: (() => void) | null = null;
  /** Local changes too large for the server, since start: said until the app restarts. */
  private readonly unsendable = new Map<string, UnsendableChange>();

  constructor(private readonly options: SyncEngineOptions) {
    this.store = options.store;
    this.transport = options.transport;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? systemTimers;
    this.policy = { ...DEFAULT_SYNC_POLICY, ...options.policy };
    this.runs = new TokenBucket(this.policy.runs, this.now);
  }

  /** Starts syncing: a full push and pull now, then live. Calling it again does nothing. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.store.sync.bindAccount(this.options.account);
    this.stopListening = this.store.changes.onRecorded(() => this.request({ pull: false }));
    this.subscribe();
    this.scheduleHeartbeat();
    this.update({
      state: 'syncing',
      error: null,
      quarantined: this.store.sync.quarantined().length,
    });
    this.request({ pull: true });
  }

  /** Stops syncing and waits for a run in progress to end. Unsent changes stay in the store. */
  async stop(): Promise<void> {
    const wasActive = this.active;
    this.halt();
    await this.running;
    if (wasActive) this.update({ state: 'stopped', retryAt: null, progress: null });
  }

  /** Syncs now, skipping any wait (the app calls it when the network comes back, say). */
  syncNow(): void {
    if (!this.active) return;
    this.clearTimer('run');
    this.failures = 0;
    if (this.subscription === null) {
      this.clearTimer('resubscribe');
      this.subscribe();
    }
    this.request({ pull: true });
  }

  status(): SyncStatus {
    return this.current;
  }

  /** Calls `listener` on every status change; returns the function that stops it. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Calls `listener` after each page of remote changes merged, with what it touched. */
  onRemoteChanges(listener: (report: MergeReport) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Remote changes that could not be opened or validated, oldest first. */
  quarantined(): QuarantinedChange[] {
    return this.store.sync.quarantined();
  }

  /** Every reason to sync (a local change, start, syncNow, the heartbeat) pushes; some pull. */
  private request(wants: { pull: boolean }): void {
    this.wantPush = true;
    this.wantPull ||= wants.pull;
    this.update({ toSend: this.countUnsent() });
    this.kick();
  }

  private needsPull(): boolean {
    return this.wantPull || this.latestMark > this.store.sync.cursors().pullCursor;
  }

  private kick(): void {
    if (!this.active || this.running !== null || this.timerHandles.has('run')) return;
    if (!this.wantPush && !this.needsPull()) return;
    this.running = this.run().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  /** Push then pull until nothing is wanted, paced by the run bucket; a failure waits. */
  private async run(): Promise<void> {
    while (this.active && (this.wantPush || this.needsPull())) {
      const wait = this.runs.take();
      if (wait > 0) {
        this.setTimer('run', wait, () => this.kick());
        return;
      }
      const run = { pull: this.wantPull };
      this.wantPush = false;
      this.wantPull = false;
      try {
        await this.syncOnce(run);
      } catch (error) {
        // The retry pushes whatever is still unsent, and pulls if this run was to.
        this.wantPush = true;
        this.wantPull ||= run.pull;
        this.fail(error);
        return;
      }
    }
  }

  /**
   * Every run pushes first: with nothing unsent that is one local query and no request, and a
   * run for a "pull now" sends what was written meanwhile.
   */
  private async syncOnce(run: { pull: boolean }): Promise<void> {
    this.update({ state: 'syncing' });
    const replicator = this.replicator ?? (await this.connect());
    await this.push(replicator);
    // This device's own push moves the cursor past its changes: a "pull now" for them alone,
    // heard during the push, needs no pull.
    if (this.active && (run.pull || this.needsPull())) {
      const report = await replicator.pull((page) => this.onPage(page));
      if (report.quarantined > 0 || this.current.quarantined > 0) {
        this.emitChanges(replicator.retryQuarantined((entry) => entry.reason === 'clock-ahead'));
        this.update({ quarantined: this.store.sync.quarantined().length });
      }
    }
    this.failures = 0;
    this.update({
      state: 'synced',
      lastSyncedAt: this.now(),
      toSend: this.countUnsent(),
      progress: null,
      retryAt: null,
      error: unsendableError([...this.unsendable.values()]),
    });
  }

  /** Pushes, remembering what the server will not take until the app restarts. */
  private async push(replicator: Replicator): Promise<void> {
    const { unsendable } = await replicator.push();
    for (const change of unsendable) this.unsendable.set(change.changeId, change);
  }

  /** Learns the server's limits, and tries the quarantine again (an upgrade may open it). */
  private async connect(): Promise<Replicator> {
    const limits = await this.transport.limits();
    const replicator = new Replicator({
      store: this.store,
      transport: this.transport,
      dataKey: this.options.dataKey,
      limits,
      now: this.now,
      maxDriftMs: this.policy.maxDriftMs,
      randomBytes: this.options.randomBytes,
    });
    this.emitChanges(replicator.retryQuarantined());
    this.update({ quarantined: this.store.sync.quarantined().length });
    this.replicator = replicator;
    return replicator;
  }

  private onPage(page: PulledPage): void {
    this.emitChanges(page.merged);
    const { received, total } = page.progress;
    // A progress bar only while more than one page is coming.
    if (received < total) this.update({ progress: page.progress });
  }

  private fail(error: unknown): void {
    const code: SyncFailure | 'internal' = error instanceof SyncError ? error.code : 'internal';
    const action = error instanceof SyncError ? actionFor(error.code) : 'retry';
    const failure = { code, message: describeFailure(code) };
    if (action !== 'retry') {
      // The transport renews tokens where it can; what reaches here ends this session.
      this.halt();
      const state = action === 'update-required' ? 'update-required' : 'signed-out';
      this.update({ state, error: failure, retryAt: null, progress: null });
      return;
    }
    this.failures += 1;
    const retryAfter = error instanceof SyncError ? (error.data.retryAfterMs ?? 0) : 0;
    const delay = Math.max(
      retryAfter,
      backoffDelay(this.failures, this.policy.backoff, this.random),
    );
    this.setTimer('run', delay, () => this.kick());
    this.update({
      state: code === 'network' ? 'offline' : 'error',
      error: failure,
      retryAt: this.now() + delay,
      progress: null,
    });
  }

  private subscribe(): void {
    this.subscription = this.transport.subscribe({
      onPullNow: (event) => {
        this.subscriptionFailures = 0;
        this.latestMark = Math.max(this.latestMark, event.highWaterMark);
        this.kick();
      },
      onError: (error) => {
        this.subscription = null;
        if (!this.active) return;
        if (error instanceof SyncError && actionFor(error.code) !== 'retry') {
          this.fail(error);
          return;
        }
        // Whatever happens while the stream is down is pulled when it is back (the server
        // says "pull now" at once on subscribing).
        this.subscriptionFailures += 1;
        const delay = backoffDelay(this.subscriptionFailures, this.policy.backoff, this.random);
        this.setTimer('resubscribe', delay, () => this.subscribe());
      },
    });
  }

  private scheduleHeartbeat(): void {
    this.setTimer('heartbeat', this.policy.heartbeatMs, () => {
      this.scheduleHeartbeat();
      this.request({ pull: true });
    });
  }

  private halt(): void {
    this.active = false;
    for (const name of [...this.timerHandles.keys()]) this.clearTimer(name);
    this.subscription?.close();
    this.subscription = null;
    this.stopListening?.();
    this.stopListening = null;
    this.replicator = null;
  }

  private countUnsent(): number {
    return this.store.changes.countSince(this.store.sync.cursors().pushCursor, SYNCED_ENTITIES);
  }

  private emitChanges(report: MergeReport | null): void {
    if (report === null || report.applied === 0) return;
    for (const listener of this.changeListeners) listener(report);
  }

  private update(patch: Partial<SyncStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.statusListeners) listener(this.current);
  }

  private setTimer(name: TimerName, ms: number, callback: () => void): void {
    this.clearTimer(name);
    this.timerHandles.set(
      name,
      this.timers.setTimeout(() => {
        this.timerHandles.delete(name);
        callback();
      }, ms),
    );
  }

  private clearTimer(name: TimerName): void {
    if (!this.timerHandles.has(name)) return;
    this.timers.clearTimeout(this.timerHandles.get(name));
    this.timerHandles.delete(name);
  }
}

function unsendableError(unsendable: UnsendableChange[]): SyncStatus['error'] {
  const [first] = unsendable;
  if (first === undefined) return null;
  return {
    code: 'limit-exceeded',
    message: `${unsendable.length === 1 ? 'A change is' : `${unsendable.length} changes are`} larger than the sync server takes (${first.maxChangeBytes} bytes), so ${unsendable.length === 1 ? 'it stays' : 'they stay'} on this device only. Shorten the message to sync it.`,
  };
}
