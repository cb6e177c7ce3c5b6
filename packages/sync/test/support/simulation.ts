import fc from 'fast-check';
import type { RemoteChange, Store } from '@codeface/db';
import { generateDataKey } from '../../src/crypto';
import { openIncoming } from '../../src/engine/payload';
import { Replicator } from '../../src/engine/replicator';
import { SyncError } from '../../src/engine/sync-error';
import { DEFAULT_SYNC_LIMITS } from '../../src/protocol';
import { DeviceFaults, MemoryServer } from './memory-server';
import { expectedState, observedState } from './model';
import { type Replica, openReplica, replicaState } from './replicas';

/**
 * A simulated world for the convergence property: 2 to 5 devices with real stores, an
 * in-memory server, and a random script of edits, syncs and faults. After the script, every
 * device comes online and syncs; then all replicas must be identical, equal to what the plain
 * model says the server's changes merge to, and to a fresh replica fed those changes in a
 * shuffled, duplicated order; and every change the server acknowledged must be there.
 */

const MAX_DEVICES = 5;

const text = fc.constantFrom('', 'a', 'hello', 'fix it', 'ünïcødé ✓', 'x'.repeat(40));
const pick = fc.nat({ max: 1000 });

export const editArbitrary = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('createChat' as const),
      title: text,
      preset: fc.option(text),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('renameChat' as const), chat: pick, title: text }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('pinChat' as const), chat: pick, value: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('archiveChat' as const),
      chat: pick,
      value: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('editChat' as const),
      chat: pick,
      preset: fc.option(text),
      systemPrompt: fc.option(text),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('setChatModel' as const), chat: pick, model: text }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteChat' as const), chat: pick }) },
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('send' as const), chat: pick, content: text }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('answer' as const),
      chat: pick,
      steps: fc.integer({ min: 0, max: 4 }),
      fail: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('editMessage' as const), message: pick, content: text }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('regenerate' as const), message: pick, content: text }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('switchBranch' as const), message: pick }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('createPreset' as const), name: text, prompt: text }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('editPreset' as const),
      preset: pick,
      name: text,
      prompt: text,
      maxAnswerTokens: fc.option(fc.integer({ min: 16, max: 131_072 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deletePreset' as const), preset: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('setTheme' as const),
      value: fc.constantFrom('light', 'dark', 'system'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('setTemperature' as const),
      value: fc.constantFrom(0, 0.2, 0.7, 1.5),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('setGpuLayers' as const), value: fc.nat({ max: 99 }) }),
  },
);
export type Edit = typeof editArbitrary extends fc.Arbitrary<infer T> ? T : never;

export const stepArbitrary = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      device: fc.nat(),
      edit: editArbitrary,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('push' as const), device: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pull' as const), device: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('offline' as const),
      device: fc.nat(),
      value: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('loseAck' as const), device: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), device: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('messyNetwork' as const),
      device: fc.nat(),
      reorder: fc.boolean(),
      duplicate: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('dropAfterPages' as const),
      device: fc.nat(),
      pages: fc.nat({ max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      device: fc.nat(),
      ms: fc.integer({ min: 0, max: 120_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restartServer' as const) }) },
);
export type Step = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

export const scenarioArbitrary = fc.record({
  devices: fc.integer({ min: 2, max: MAX_DEVICES }),
  /** Wall clocks apart by up to a minute either way. */
  skews: fc.array(fc.integer({ min: -60_000, max: 60_000 }), {
    minLength: MAX_DEVICES,
    maxLength: MAX_DEVICES,
  }),
  maxBatchChanges: fc.integer({ min: 1, max: 6 }),
  maxPullChanges: fc.integer({ min: 1, max: 6 }),
  steps: fc.array(stepArbitrary, { maxLength: 60, size: 'max' }),
  replaySeed: fc.integer(),
});
export type Scenario = typeof scenarioArbitrary extends fc.Arbitrary<infer T> ? T : never;

type Device = {
  name: string;
  replica: Replica;
  faults: DeviceFaults;
  replicator: Replicator;
  /** Change ids whose push the server answered and the device heard. */
  acknowledged: Set<string>;
};

/** Stores opened once for all runs (opening one costs far more than a run). */
export class World {
  readonly replicas: Replica[];
  readonly reference: Replica;
  readonly dataKey = generateDataKey();

  constructor() {
    this.replicas = Array.from({ length: MAX_DEVICES }, (_, i) => openReplica(`device-${i}`));
    this.reference = openReplica('device-ref');
  }

  close(): void {
    for (const replica of [...this.replicas, this.reference]) replica.close();
  }

  /** Runs one scenario; throws (an assertion) when a property does not hold. */
  async run(
    scenario: Scenario,
    check: (actual: unknown, expected: unknown, what: string) => void,
  ): Promise<void> {
    const server = new MemoryServer();
    server.limits = {
      ...DEFAULT_SYNC_LIMITS,
      maxBatchChanges: scenario.maxBatchChanges,
      maxPullChanges: scenario.maxPullChanges,
    };
    // One epoch for all devices of a run, after every earlier run's clocks, plus each skew.
    const epoch = Math.max(...this.replicas.map((replica) => replica.clock.now)) + 200_000;
    const devices: Device[] = this.replicas.slice(0, scenario.devices).map((replica, i) => {
      replica.wipe();
      replica.clock.now = epoch + (scenario.skews[i] ?? 0);
      const faults = new DeviceFaults();
      const acknowledged = new Set<string>();
      const name = replica.store.deviceId;
      const replicator = this.replicatorFor({ name, replica, faults, acknowledged }, server);
      return { name, replica, faults, acknowledged, replicator };
    });

    for (const step of scenario.steps) {
      if (step.kind === 'restartServer') {
        server.restart();
        continue;
      }
      const device = devices[step.device % devices.length] as Device;
      switch (step.kind) {
        case 'edit':
          applyEdit(device.replica.store, step.edit);
          break;
        case 'push':
          await attempt(() => device.replicator.push());
          break;
        case 'pull':
          await attempt(() => device.replicator.pull());
          break;
        case 'offline':
          device.faults.offline = step.value;
          break;
        case 'loseAck':
          device.faults.loseNextAck = true;
          break;
        case 'crash':
          // Whatever the engine held in memory is gone; the store is what survives.
          device.replicator = this.replicatorFor(device, server);
          break;
        case 'messyNetwork': {
          let seed = step.device + 1;
          device.faults.reorder = step.reorder
            ? () => (seed = (seed * 16807) % 2147483647) / 2147483647
            : null;
          device.faults.duplicate = step.duplicate;
          break;
        }
        case 'dropAfterPages':
          // The connection breaks in the middle of the next pull.
          device.faults.pagesLeft = step.pages;
          break;
        case 'tick':
          device.replica.clock.now += step.ms;
          break;
      }
    }

    // Everyone comes back and syncs: all push, then all pull, twice. By then every wall clock
    // has reached the latest one, so a change held as stamped ahead of its receiver is due.
    const latest = Math.max(...devices.map((device) => device.replica.clock.now));
    for (const device of devices) {
      device.faults.heal();
      device.replica.clock.now = latest;
    }
    for (let round = 0; round < 2; round += 1) {
      for (const device of devices) await device.replicator.push();
      for (const device of devices) {
        await device.replicator.pull();
        device.replicator.retryQuarantined();
      }
    }

    const first = devices[0] as Device;
    const state = replicaState(first.replica.store);
    for (const device of devices.slice(1)) {
      check(replicaState(device.replica.store), state, `${device.name} equals ${first.name}`);
    }

    const onServer = new Set(server.stored.map((change) => change.id));
    for (const device of devices) {
      for (const id of device.acknowledged) {
        check(
          onServer.has(id),
          true,
          `acknowledged change ${id} of ${device.name} is on the server`,
        );
      }
      check(device.replica.store.sync.quarantined(), [], `${device.name} quarantined nothing`);
      check(
        device.replica.store.changes.countSince(device.replica.store.sync.cursors().pushCursor),
        0,
        `${device.name} has nothing left to send`,
      );
    }

    const all: RemoteChange[] = [];
    for (const stored of server.stored) {
      const opened = openIncoming(stored, {
        dataKey: this.dataKey,
        now: () => Number.MAX_SAFE_INTEGER,
        maxDriftMs: 0,
      });
      if (opened.kind === 'change') all.push(opened.change);
    }
    check(
      observedState(first.replica.store),
      expectedState(all),
      'the merge equals the plain model',
    );

    // The same changes in other orders (backwards, and shuffled twice), some twice, in pages
    // of any size: the same state.
    let seed = Math.abs(scenario.replaySeed) + 1;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const shuffle = () =>
      all
        .flatMap((change) => (random() < 0.2 ? [change, change] : [change]))
        .map((change) => ({ change, key: random() }))
        .sort((a, b) => a.key - b.key)
        .map(({ change }) => change);
    for (const order of [[...all].reverse(), shuffle(), shuffle()]) {
      this.reference.wipe();
      for (let start = 0; start < order.length;) {
        const size = 1 + Math.floor(random() * 5);
        this.reference.store.sync.applyRemote({ changes: order.slice(start, start + size) });
        start += size;
      }
      check(
        replicaState(this.reference.store),
        state,
        'a replica fed the same changes in any order',
      );
    }
  }

  private replicatorFor(device: Omit<Device, 'replicator'>, server: MemoryServer): Replicator {
    const transport = server.transportFor(device.name, device.faults);
    const push = transport.push;
    transport.push = async (changes) => {
      const result = await push(changes);
      for (const { id } of result.accepted) device.acknowledged.add(id);
      return result;
    };
    return new Replicator({
      store: device.replica.store,
      transport,
      dataKey: this.dataKey,
      limits: server.limits,
      now: () => device.replica.clock.now,
      maxDriftMs: 5 * 60_000,
    });
  }
}

/** A sync that may fail on a fault the scenario injected, and on nothing else. */
async function attempt(sync: () => Promise<unknown>): Promise<void> {
  try {
    await sync();
  } catch (error) {
    if (!(error instanceof SyncError && error.code === 'network')) throw error;
  }
}

function chooseFrom<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** One person's action on a device, on whatever that device shows right now. */
export function applyEdit(store: Store, edit: Edit): void {
  // By id, so that the same pick names the same chat on every device that has it.
  const chats = store.chats.list({ includeArchived: true }).sort((a, b) => (a.id < b.id ? -1 : 1));
  const chatOf = (index: number) => chooseFrom(chats, index);
  const messages = () =>
    (
      store.db.prepare('SELECT id FROM messages ORDER BY created_hlc, seq').all() as {
        id: string;
      }[]
    ).map((row) => row.id);
  switch (edit.op) {
    case 'createChat':
      store.chats.create({ title: edit.title, preset: edit.preset });
      return;
    case 'renameChat': {
      const chat = chatOf(edit.chat);
      if (chat) store.chats.rename(chat.id, edit.title);
      return;
    }
    case 'pinChat': {
      const chat = chatOf(edit.chat);
      if (chat) store.chats.setPinned(chat.id, edit.value);
      return;
    }
    case 'archiveChat': {
      const chat = chatOf(edit.chat);
      if (chat) store.chats.setArchived(chat.id, edit.value);
      return;
    }
    case 'editChat': {
      const chat = chatOf(edit.chat);
      if (chat)
        store.chats.update(chat.id, { preset: edit.preset, systemPrompt: edit.systemPrompt });
      return;
    }
    case 'setChatModel': {
      const chat = chatOf(edit.chat);
      if (chat) store.chats.setModel(chat.id, edit.model);
      return;
    }
    case 'deleteChat': {
      const chat = chatOf(edit.chat);
      if (chat) store.chats.delete(chat.id);
      return;
    }
    case 'send': {
      const chat = chatOf(edit.chat);
      if (chat) store.messages.append({ chatId: chat.id, role: 'user', content: edit.content });
      return;
    }
    case 'answer': {
      const chat = chatOf(edit.chat);
      if (!chat) return;
      const writer = store.messages.startStreaming({ chatId: chat.id });
      let content = '';
      for (let step = 0; step < edit.steps; step += 1) {
        content += `token${step} `;
        store.messages.updateStreaming(writer.messageId, content);
      }
      if (edit.fail)
        store.messages.failStreaming(writer.messageId, { error: 'stopped', status: 'interrupted' });
      else store.messages.finishStreaming(writer.messageId, { completionTokens: edit.steps });
      return;
    }
    case 'editMessage':
    case 'regenerate': {
      const id = chooseFrom(messages(), edit.message);
      const message = id === undefined ? null : store.messages.get(id);
      if (!message) return;
      store.messages.append({
        chatId: message.chatId,
        parentId: message.parentId,
        role: edit.op === 'editMessage' ? 'user' : 'assistant',
        content: edit.content,
      });
      return;
    }
    case 'switchBranch': {
      const id = chooseFrom(messages(), edit.message);
      if (id !== undefined) store.messages.switchBranch(id);
      return;
    }
    case 'createPreset':
      store.presets.create({ name: edit.name, systemPrompt: edit.prompt });
      return;
    case 'editPreset': {
      const preset = chooseFrom(store.presets.list(), edit.preset);
      if (preset) {
        store.presets.update(preset.id, {
          name: edit.name,
          systemPrompt: edit.prompt,
          maxAnswerTokens: edit.maxAnswerTokens,
        });
      }
      return;
    }
    case 'deletePreset': {
      const preset = chooseFrom(store.presets.list(), edit.preset);
      if (preset) store.presets.delete(preset.id);
      return;
    }
    case 'setTheme':
      store.settings.set('theme', edit.value);
      return;
    case 'setTemperature':
      store.settings.set('temperature', edit.value);
      return;
    case 'setGpuLayers':
      store.settings.set('gpuLayers', edit.value);
      return;
  }
}
