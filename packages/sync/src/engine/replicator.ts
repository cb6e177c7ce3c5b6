import type { MergeReport, QuarantinedChange, RemoteChange } from '@codeface/db';
import { base64UrlDecodedLength } from '../crypto';
import type { RandomBytes } from '../crypto/random';
import type { SealedChange } from '../protocol';
import type { StoredChange } from '../protocol/schemas';
import type { SyncLimits } from '../protocol/meta';
import { coalesce } from './coalesce';
import { type Opened, openIncoming, sealOutgoing } from './payload';
import type { SyncStore, SyncTransport } from './ports';
import { type OutgoingChange, syncedPart } from './scope';
import { SyncError } from './sync-error';

/** Local changes read, coalesced and pushed at a time; the push cursor moves after each run. */
const PUSH_WINDOW = 2000;
/** Ciphertext per push request: well inside any server's body limit, and quick to retry. */
const MAX_BATCH_BYTES = 2 * 1024 * 1024;

export type ReplicatorOptions = {
  store: SyncStore;
  transport: SyncTransport;
  dataKey: Uint8Array;
  limits: SyncLimits;
  now: () => number;
  maxDriftMs: number;
  randomBytes?: RandomBytes;
};

/** A local change the server will not take: its sealed form is over `maxChangeBytes`. */
export type UnsendableChange = {
  changeId: string;
  entity: string;
  entityId: string;
  bytes: number;
  maxChangeBytes: number;
};

export type PushReport = { sent: number; unsendable: UnsendableChange[] };

export type PullProgress = { received: number; total: number };

/** One merged page: what it changed, and how far the pull has come. */
export type PulledPage = { merged: MergeReport; progress: PullProgress };

export type PullReport = MergeReport & { quarantined: number };

/**
 * One push or one pull, start to end, over the ports: the engine decides when, this decides
 * what. Each step that records progress (a push acknowledged, a page merged) is durable before
 * the next one starts, so stopping at any point, a crash included, loses nothing and repeats
 * only what is idempotent.
 */
export class Replicator {
  constructor(private readonly options: ReplicatorOptions) {}

  /** Sends every local change not yet acknowledged, coalesced per entity field. */
  async push(): Promise<PushReport> {
    const { store, transport } = this.options;
    const report: PushReport = { sent: 0, unsendable: [] };
    for (;;) {
      const { pushCursor, pullCursor } = store.sync.cursors();
      const page = store.changes.since(pushCursor, PUSH_WINDOW);
      if (page.changes.length === 0) return report;
      const outgoing = coalesce(
        page.changes.flatMap(({ seq: _seq, ...change }) => syncedPart(change) ?? []),
      );
      const sealed = this.sealAll(outgoing, report);
      const ownSeqs = new Set<number>();
      for (const batch of batches(sealed, this.options.limits.maxBatchChanges)) {
        const result = await transport.push(batch);
        for (const { seq } of result.accepted) ownSeqs.add(seq);
        report.sent += batch.length;
      }
      store.sync.markPushed(page.cursor);
      this.skipOwnChanges(pullCursor, ownSeqs);
      if (!page.hasMore) return report;
    }
  }

  /**
   * Pulls and merges everything after the cursor, a page per transaction that also moves the
   * cursor. The next page is fetched while this one is opened and merged.
   */
  async pull(onPage?: (page: PulledPage) => void): Promise<PullReport> {
    const { store, transport, limits } = this.options;
    const report: PullReport = {
      applied: 0,
      chatIds: new Set(),
      presets: false,
      settingKeys: new Set(),
      quarantined: 0,
    };
    const start = store.sync.cursors().pullCursor;
    let cursor = start;
    let next = transport.pull({ cursor, limit: limits.maxPullChanges });
    for (;;) {
      const page = await next;
      if (page.nextCursor < cursor || (page.hasMore && page.nextCursor === cursor)) {
        throw new SyncError('invalid-response', 'The server sent a page that does not move on.');
      }
      if (page.hasMore) {
        next = transport.pull({ cursor: page.nextCursor, limit: limits.maxPullChanges });
        // Awaited on the next turn; if this page fails to merge first, it is dropped quietly.
        next.catch(() => undefined);
        // The transport sends the request a few microtasks from now (its access token is
        // awaited first): one turn of the event loop puts it on the wire, so the server
        // prepares the next page while this one is opened and merged (decision 0504).
        await nextTurn();
      }
      const { changes, quarantine } = this.openAll(page.changes);
      const merged = store.sync.applyRemote({
        changes,
        quarantine,
        pullCursor: page.nextCursor,
      });
      addTo(report, merged);
      report.quarantined += quarantine.length;
      cursor = page.nextCursor;
      onPage?.({
        merged,
        progress: { received: cursor - start, total: page.highWaterMark - start },
      });
      if (!page.hasMore) return report;
    }
  }

  /**
   * Tries the quarantined changes again (a newer app may open what an older one could not, and
   * a change from a clock that was ahead is due once that time has come): those that open now
   * are merged and leave the quarantine.
   */
  retryQuarantined(only?: (entry: QuarantinedChange) => boolean): MergeReport | null {
    const { store } = this.options;
    const candidates = store.sync.quarantined().filter((entry) => only?.(entry) ?? true);
    const changes: RemoteChange[] = [];
    const release: string[] = [];
    for (const entry of candidates) {
      const opened = this.open({
        id: entry.changeId,
        deviceId: entry.deviceId,
        seq: entry.seq,
        ciphertext: entry.ciphertext,
      });
      if (opened.kind === 'quarantine') continue;
      if (opened.kind === 'change') changes.push(opened.change);
      release.push(entry.changeId);
    }
    if (release.length === 0) return null;
    return store.sync.applyRemote({ changes, release });
  }

  private sealAll(outgoing: OutgoingChange[], report: PushReport): SealedChange[] {
    const { dataKey, randomBytes, limits } = this.options;
    const sealed: SealedChange[] = [];
    for (const change of outgoing) {
      const one = sealOutgoing(change, { dataKey, randomBytes });
      const bytes = base64UrlDecodedLength(one.ciphertext);
      if (bytes > limits.maxChangeBytes) {
        report.unsendable.push({
          changeId: change.id,
          entity: change.entity,
          entityId: change.entityId,
          bytes,
          maxChangeBytes: limits.maxChangeBytes,
        });
      } else {
        sealed.push(one);
      }
    }
    return sealed;
  }

  /**
   * After a push whose changes were numbered right after the pull cursor, there is nothing new
   * to pull up to them: they are this device's own. Moving the cursor past them saves a pull
   * of what is already here on every local edit.
   */
  private skipOwnChanges(pullCursor: number, ownSeqs: Set<number>): void {
    let next = pullCursor + 1;
    while (ownSeqs.has(next)) next += 1;
    if (next - 1 > pullCursor) {
      this.options.store.sync.applyRemote({ changes: [], pullCursor: next - 1 });
    }
  }

  private openAll(changes: StoredChange[]) {
    const opened: RemoteChange[] = [];
    const quarantine: QuarantinedChange[] = [];
    for (const sealed of changes) {
      const result = this.open(sealed);
      if (result.kind === 'change') opened.push(result.change);
      else if (result.kind === 'quarantine') quarantine.push(result.entry);
    }
    return { changes: opened, quarantine };
  }

  private open(sealed: StoredChange): Opened {
    const { dataKey, now, maxDriftMs } = this.options;
    return openIncoming(sealed, { dataKey, now, maxDriftMs });
  }
}

/** Lets pending callbacks and I/O run once (the engine runs in Node or Electron's main process). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function* batches(changes: SealedChange[], maxChanges: number): Generator<SealedChange[]> {
  let batch: SealedChange[] = [];
  let bytes = 0;
  for (const change of changes) {
    const full = batch.length === maxChanges || bytes + change.ciphertext.length > MAX_BATCH_BYTES;
    if (full && batch.length > 0) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(change);
    bytes += change.ciphertext.length;
  }
  if (batch.length > 0) yield batch;
}

function addTo(report: MergeReport, merged: MergeReport): void {
  report.applied += merged.applied;
  for (const chatId of merged.chatIds) report.chatIds.add(chatId);
  report.presets ||= merged.presets;
  for (const key of merged.settingKeys) report.settingKeys.add(key);
}
