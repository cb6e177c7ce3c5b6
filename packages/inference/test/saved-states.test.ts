import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { ensureFixtureModel } from '../src/fixtures/ensure-models';
import { TINY_MODEL_SPEC } from '../src/fixtures/llama-fixture';
import { LlamaCppEngine } from '../src/index';
import type { ChatMessage, LoadOptions } from '../src/index';
import type { DoneEvent } from '../src/engine/types';
import { collect } from './helpers';

const CRASH_ON_LOAD = fileURLToPath(
  new URL('./support/crash-on-state-load-process.ts', import.meta.url),
);
const LOAD: LoadOptions = { contextSize: 2048, threads: 1, sequences: 2 };
const GIB = 1024 ** 3;
/**
 * The speeds the worth-a-file rule (0208) is held to here, so it decides the same on a quiet
 * machine and a loaded one: measured, the tiny model's prefill runs from tens of thousands of
 * tokens a second to a few hundred, which moves the line from hundreds of tokens to one. At
 * these, a prefix under 50 tokens (a template and a few words) evaluates faster than the 5 ms a
 * file costs, and the chats below (300 tokens and more; their states, some 200 KiB, read in
 * 0.2 ms) and an edit that keeps a hundred of them do not.
 */
const SPEEDS = { prefillTokensPerSecond: 10_000, readBytesPerSecond: 1024 ** 3 };
/** The chats saved once, before the tests; each test uses its own. */
const CHATS = [
  'parser',
  'queue',
  'editor',
  'shell',
  'doomed',
  'kept',
  'shapes',
  'cut',
  'flipped',
  'fragile',
];

/** A conversation long enough to be worth saving (a few hundred tokens with the byte vocabulary). */
function conversation(topic: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content: `You review ${topic} code. Answer in short sentences and quote the lines you mean.`,
    },
    {
      role: 'user',
      content: `Here is the ${topic} module:\n${'function step(x) { return x * 2 + 1; }\n'.repeat(6)}What does it do?`,
    },
  ];
}

describe('chat states saved to disk', { timeout: 120_000 }, () => {
  let modelPath = '';
  let root = '';
  const engines: LlamaCppEngine[] = [];
  /** Answers with no saved state and no cache: what every restored answer must equal. */
  let cold: LlamaCppEngine;
  /** A folder with every chat below saved after its first turn (never used directly). */
  let saved = '';
  const turns = new Map<string, ChatMessage[]>();
  /** One engine restarted over a copy of `saved`, shared by the tests that only read it. */
  let reopened: LlamaCppEngine;
  let reopenedDir = '';

  const engine = async (
    options: { dir?: string; modelPath?: string; load?: LoadOptions; modulePath?: string } = {},
  ): Promise<LlamaCppEngine> => {
    const created = new LlamaCppEngine({
      gpu: false,
      modulePath: options.modulePath,
      savedStates: options.dir ? { dir: options.dir, budgetBytes: GIB, speeds: SPEEDS } : undefined,
    });
    engines.push(created);
    await created.load({ id: 'tiny', path: options.modelPath ?? modelPath }, options.load ?? LOAD);
    return created;
  };

  const ask = async (
    on: LlamaCppEngine,
    messages: ChatMessage[],
    chatId?: string,
  ): Promise<{ text: string; done: DoneEvent }> => {
    const result = await collect(on.chat(messages, { chatId, maxTokens: 12, temperature: 0 }));
    if (result.end?.type !== 'done') {
      throw new Error(`expected done, got ${JSON.stringify(result.end)}`);
    }
    return { text: result.text, done: result.end };
  };

  const turn = (chatId: string): ChatMessage[] => {
    const messages = turns.get(chatId);
    if (!messages) throw new Error(`no chat ${chatId}`);
    return messages;
  };
  const followUp = (chatId: string): ChatMessage[] => [
    ...turn(chatId),
    { role: 'user', content: 'And what would you rename?' },
  ];
  const copyOfSaved = async (): Promise<string> => {
    const dir = await mkdtemp(join(root, 'states-'));
    await cp(saved, dir, { recursive: true });
    return dir;
  };
  const files = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();
  const savedChatIds = async (dir: string): Promise<string[]> => {
    const records = (await files(dir)).filter((name) => name.endsWith('.json'));
    const ids = await Promise.all(
      records.map(
        async (name) =>
          (JSON.parse(await readFile(join(dir, name), 'utf8')) as { chatId: string }).chatId,
      ),
    );
    return ids.sort();
  };

  beforeAll(async () => {
    modelPath = await ensureTinyModel();
    root = await mkdtemp(join(tmpdir(), 'codeface-saved-states-'));
    cold = await engine();
    saved = await mkdtemp(join(root, 'saved-'));
    const first = await engine({ dir: saved });
    for (const chatId of CHATS) {
      const messages = conversation(chatId);
      const answer = await ask(first, messages, chatId);
      turns.set(chatId, [...messages, { role: 'assistant', content: answer.text }]);
    }
    // Two sequences: each new chat evicted the least recently used one, which was saved; the
    // last two are saved when the engine is disposed, as when the app closes.
    await first.dispose();
    reopenedDir = await copyOfSaved();
    reopened = await engine({ dir: reopenedDir });
  }, 300_000);
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.dispose()));
    await rm(root, { recursive: true, force: true });
  });

  it('saved every chat: those evicted as they went, the rest on closing', async () => {
    expect(await savedChatIds(saved)).toEqual([...CHATS].sort());
  });

  it('answers a chat reopened after a restart from its saved state, exactly as a cold prefill does', async () => {
    const messages = followUp('parser');
    const restored = await ask(reopened, messages, 'parser');
    expect(restored.done.restoredTokens).toBeGreaterThan(200);
    expect(restored.done.restoredTokens).toBe(restored.done.reusedTokens);
    // Only the follow-up itself is evaluated.
    expect(restored.done.promptTokens - restored.done.reusedTokens).toBeLessThan(60);
    expect((await reopened.info()).savedStates).toMatchObject({
      lastRestore: { chatId: 'parser', tokens: restored.done.restoredTokens },
    });

    const reference = await ask(cold, messages);
    expect(reference.done.restoredTokens).toBe(0);
    expect(restored.text).toBe(reference.text);
  });

  it('fills an opened chat from its saved state ahead of the follow-up (the app prefills on open)', async () => {
    // Opening the chat: its messages end with the answer; the next turn's certain start is prepared.
    expect(await reopened.prefill(turn('queue'), { chatId: 'queue' })).toBeLessThan(20);
    const answer = await ask(reopened, followUp('queue'), 'queue');
    expect(answer.done.restoredTokens).toBeGreaterThan(200);
    expect(answer.done.promptTokens - answer.done.reusedTokens).toBeLessThan(60);
    expect(answer.text).toBe((await ask(cold, followUp('queue'))).text);
  });

  it('keeps the common prefix of a chat edited midway, and nothing of one edited at its start', async () => {
    const editor = turn('editor');
    const editedLater: ChatMessage[] = [
      ...editor.slice(0, 1),
      { role: 'user', content: `${editor[1]?.content ?? ''} Be exhaustive.` },
    ];
    const partly = await ask(reopened, editedLater, 'editor');
    expect(partly.done.restoredTokens).toBeGreaterThan(100);
    expect(partly.done.restoredTokens).toBeLessThan(partly.done.promptTokens - 10);
    expect(partly.text).toBe((await ask(cold, editedLater)).text);

    const editedAtStart: ChatMessage[] = [
      { role: 'system', content: 'Different.' },
      ...turn('shell').slice(1),
    ];
    const before = (await reopened.info()).savedStates?.chats ?? 0;
    const none = await ask(reopened, editedAtStart, 'shell');
    expect(none.done.restoredTokens).toBe(0);
    expect((await reopened.info()).savedStates?.chats).toBe(before - 1);
  });

  it('deletes the state of a deleted chat, and does not save it again on closing', async () => {
    // Both chats are back in sequences; then `doomed` is deleted.
    await ask(reopened, followUp('doomed'), 'doomed');
    await ask(reopened, followUp('kept'), 'kept');
    await reopened.manageSavedStates({ type: 'forget', chatIds: ['doomed'] });
    expect(await savedChatIds(reopenedDir)).not.toContain('doomed');
    await reopened.dispose();
    const left = await savedChatIds(reopenedDir);
    expect(left).toContain('kept');
    expect(left).not.toContain('doomed');
  });

  it('refuses a state saved with another model of the same shape, or another context size', async () => {
    const dir = await copyOfSaved();
    const before = await files(dir);
    // The same name, architecture, header and tensor table; only the weights differ.
    const twin = await ensureFixtureModel({ ...TINY_MODEL_SPEC, seed: 4242 });
    const otherModel = await engine({ dir, modelPath: twin });
    const onTwin = await ask(otherModel, followUp('shapes'), 'shapes');
    expect(onTwin.done.restoredTokens).toBe(0);
    expect((await otherModel.info()).savedStates?.lastRestore).toBeNull();

    const otherContext = await engine({ dir, load: { ...LOAD, contextSize: 1024 } });
    const onSmaller = await ask(otherContext, followUp('shapes'), 'shapes');
    expect(onSmaller.done.restoredTokens).toBe(0);
    expect((await otherContext.info()).savedStates?.lastRestore).toBeNull();
    // Refused, not deleted: the state is still good for the model and context that saved it.
    expect(await files(dir)).toEqual(before);
  });

  it('deletes a truncated or corrupted state file, and the chat answers as a cold one', async () => {
    const dir = await copyOfSaved();
    for (const record of (await files(dir)).filter((name) => name.endsWith('.json'))) {
      const { chatId, file } = JSON.parse(await readFile(join(dir, record), 'utf8')) as {
        chatId: string;
        file: string;
      };
      if (chatId === 'cut') await truncate(join(dir, file), 1000);
      if (chatId === 'flipped') {
        const bytes = await readFile(join(dir, file));
        const middle = Math.floor(bytes.length / 2);
        bytes[middle] = (bytes[middle] ?? 0) ^ 0x55;
        await writeFile(join(dir, file), bytes);
      }
    }
    const damaged = await engine({ dir });
    for (const chatId of ['cut', 'flipped']) {
      const answer = await ask(damaged, followUp(chatId), chatId);
      expect(answer.done.restoredTokens).toBe(0);
      expect(answer.text).toBe((await ask(cold, followUp(chatId))).text);
    }
    const left = await savedChatIds(dir);
    expect(left).not.toContain('cut');
    expect(left).not.toContain('flipped');
  });

  it('restores a chat that gave its sequence up, in the same process', async () => {
    const dir = await mkdtemp(join(root, 'evict-'));
    const busy = await engine({ dir });
    const first = await ask(busy, conversation('lexer'), 'lexer');
    await ask(busy, conversation('router'), 'router');
    // Two sequences: a third chat evicts the least recently used, `lexer`, which is saved.
    await ask(busy, conversation('cache'), 'cache');
    expect((await busy.info()).savedStates).toMatchObject({
      chats: 1,
      lastSave: { chatId: 'lexer' },
    });
    const messages: ChatMessage[] = [
      ...conversation('lexer'),
      { role: 'assistant', content: first.text },
      { role: 'user', content: 'And what would you rename?' },
    ];
    const back = await ask(busy, messages, 'lexer');
    expect(back.done.restoredTokens).toBeGreaterThan(200);
    expect(back.text).toBe((await ask(cold, messages)).text);
  });

  it('writes no state for a chat that evaluates faster than its file reads, and one for a long chat', async () => {
    const dir = await mkdtemp(join(root, 'worth-'));
    const on = await engine({ dir, load: { ...LOAD, sequences: 1 } });
    const long: ChatMessage[] = [
      {
        role: 'user',
        content: `Here is the module:\n${'function step(x) { return x * 2 + 1; }\n'.repeat(24)}What does it do?`,
      },
    ];
    await ask(on, long, 'long');
    // One sequence: the short chat takes it, and the long chat's state is saved on the way out;
    // the short one, a template and a word (23 tokens), would read back slower than it evaluates.
    const short = await collect(
      on.chat([{ role: 'user', content: 'hi' }], { chatId: 'short', maxTokens: 1, temperature: 0 }),
    );
    expect(short.end?.type).toBe('done');
    await on.unload();
    expect(await savedChatIds(dir)).toEqual(['long']);
  });

  it('recovers from a model process that dies loading a state: the state is deleted, the chat answers', async () => {
    const dir = await copyOfSaved();
    const before = await files(dir);
    const crashing = await engine({ dir, modulePath: CRASH_ON_LOAD });
    const crashed = await collect(
      crashing.chat(followUp('fragile'), { chatId: 'fragile', maxTokens: 12, temperature: 0 }),
    );
    expect(crashed.end).toMatchObject({ type: 'error', code: 'process-crashed' });

    // The next request starts a fresh process, which deletes the state it must not load again.
    const answer = await ask(crashing, followUp('fragile'), 'fragile');
    expect(answer.done.restoredTokens).toBe(0);
    expect(answer.text).toBe((await ask(cold, followUp('fragile'))).text);
    expect(await savedChatIds(dir)).not.toContain('fragile');
    // Its record (left as the dead process's loading marker) and its state file are both gone.
    expect(await files(dir)).toHaveLength(before.length - 2);
  });
});
