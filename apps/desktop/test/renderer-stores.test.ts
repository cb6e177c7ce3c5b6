import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameScheduler } from '@codeface/ui';
import { createChatsStore } from '../src/renderer/stores/chats';
import { createConversationStore } from '../src/renderer/stores/conversation';
import { useToasts } from '../src/renderer/stores/toasts';
import { connectClient, startLoadedHost, stopLoadedHost, useLoadedHost } from './support/test-host';
import type { TestClient, TestHost } from './support/test-host';

/** Frames every 16 ms, as a browser would paint them, counted. */
function countingFrames(): FrameScheduler & { frames: () => number } {
  let frames = 0;
  return {
    request: (callback) =>
      setTimeout(() => {
        frames++;
        callback();
      }, 16) as unknown as number,
    cancel: (handle) => clearTimeout(handle),
    frames: () => frames,
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the renderer stores against the real app API, SQLite and the tiny model', () => {
  let host: TestHost;
  let client: TestClient;

  beforeAll(async () => {
    ({ host, client } = await startLoadedHost({ maxAnswerTokens: 200 }));
  }, 60_000);
  afterAll(() => stopLoadedHost({ host, client }));

  it('keeps a deleted chat in the database while Undo is offered, and deletes it after', async () => {
    const chats = createChatsStore(client.api, { undoDeleteMs: 200 });
    const kept = await chats.getState().create();
    const gone = await chats.getState().create();
    if (!kept || !gone) throw new Error('chats were not created');

    chats.getState().remove(kept);
    expect(chats.getState().pendingDelete.has(kept)).toBe(true);
    const undo = useToasts.getState().toasts.at(-1)?.action;
    undo?.run();
    chats.getState().remove(gone);
    await new Promise((resolve) => setTimeout(resolve, 600));

    const ids = (await client.api.chats.list.query({ includeArchived: true })).map((c) => c.id);
    expect(ids).toContain(kept);
    expect(ids).not.toContain(gone);
    expect(chats.getState().pendingDelete.size).toBe(0);
  });

  it('streams an answer into the live text once per frame; the branch changes only at start and end', async () => {
    const chat = await client.api.chats.create.mutate({});
    const frames = countingFrames();
    const conversation = createConversationStore(client.api, { scheduler: frames });
    await conversation.getState().load(chat.id);
    let storeUpdates = 0;
    const stopStore = conversation.subscribe(() => storeUpdates++);
    const { live } = conversation.getState();
    const seen: string[] = [];
    const stopLive = live.subscribe(() => seen.push(live.current().text));
    conversation
      .getState()
      .generate({ kind: 'send', chatId: chat.id, content: 'Write a loop in C' });
    await until(() => conversation.getState().stream === null, 'the answer to finish');
    await until(() => conversation.getState().messages[1]?.status === 'done', 'the saved branch');
    stopStore();
    stopLive();

    const [question, answer] = conversation.getState().messages;
    expect(question?.content).toBe('Write a loop in C');
    expect(answer?.completionTokens).toBeGreaterThan(0);
    const saved = await client.api.messages.branch.query({ chatId: chat.id });
    expect(answer?.content).toBe(saved[1]?.content);
    // The live text grew frame by frame towards the saved answer, then let go of it.
    const growing = seen.filter((text) => text !== '');
    expect(growing.length).toBeGreaterThan(1);
    for (const text of growing) expect(saved[1]?.content.startsWith(text)).toBe(true);
    expect(live.current().messageId).toBeNull();
    // Text reaches the live answer only in frames: one update per frame at most, whatever the
    // token rate. The store itself changes a handful of times (started, done, the branch read
    // back), however long the answer.
    expect(frames.frames()).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(frames.frames() + 3);
    expect(storeUpdates).toBeLessThanOrEqual(8);
  }, 60_000);

  it('regenerates into a new branch and switches back to the first', async () => {
    const chat = await client.api.chats.create.mutate({});
    const conversation = createConversationStore(client.api, { scheduler: countingFrames() });
    await conversation.getState().load(chat.id);
    conversation.getState().generate({ kind: 'send', chatId: chat.id, content: 'hello' });
    // `done` shows before the stream closes (the branch is read back first); a regenerate sent
    // while the stream is still open is ignored, as the button is disabled then.
    await until(
      () =>
        conversation.getState().messages[1]?.status === 'done' && !conversation.getState().stream,
      'the first answer',
    );
    const first = conversation.getState().messages[1];
    if (!first) throw new Error('no answer');

    conversation.getState().generate({ kind: 'regenerate', messageId: first.id });
    await until(
      () =>
        conversation.getState().messages[1]?.siblingIds.length === 2 &&
        !conversation.getState().stream,
      'the second answer',
    );
    expect(conversation.getState().messages[1]?.siblingIndex).toBe(1);

    const second = conversation.getState().messages[1];
    if (!second) throw new Error('no second answer');
    await conversation.getState().switchBranch(second.id, -1);
    expect(conversation.getState().messages[1]?.id).toBe(first.id);
  }, 60_000);

  it('prefills the draft once typing pauses', async () => {
    const chat = await client.api.chats.create.mutate({});
    const conversation = createConversationStore(client.api, {
      scheduler: countingFrames(),
      draftPauseMs: 50,
    });
    await conversation.getState().load(chat.id);
    for (const typed of ['h', 'he', 'hel', 'hello']) {
      conversation.getState().draftChanged(chat.id, typed);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The store prefilled the last draft: asking again finds nothing left to evaluate.
    const again = await client.api.messages.prefill.mutate({ chatId: chat.id, content: 'hello' });
    expect(again.tokens).toBe(0);
  });

  it('reads the context meter from the API: on opening, as the draft is typed, after a turn', async () => {
    const chat = await client.api.chats.create.mutate({});
    const conversation = createConversationStore(client.api, {
      scheduler: countingFrames(),
      draftPauseMs: 50,
    });
    await conversation.getState().load(chat.id);
    await until(() => conversation.getState().budget !== null, 'the first reading');
    const opened = conversation.getState().budget;
    expect(opened).toMatchObject({ exact: true, droppedTurns: 0 });

    conversation.getState().draftChanged(chat.id, 'hello');
    await until(() => conversation.getState().budget !== opened, 'the draft reading');
    const typed = conversation.getState().budget;
    conversation.getState().draftChanged(chat.id, 'hello, world');
    await until(() => conversation.getState().budget !== typed, 'the longer draft');
    // The tiny model's tokens are bytes: seven more letters, seven fewer tokens free.
    expect(conversation.getState().budget?.freeTokens).toBe((typed?.freeTokens ?? 0) - 7);

    conversation.getState().generate({ kind: 'send', chatId: chat.id, content: 'hello, world' });
    await until(() => conversation.getState().stream !== null, 'the turn');
    await until(() => conversation.getState().stream === null, 'the end of the turn');
    await until(
      () => (conversation.getState().budget?.usedTokens ?? 0) > (typed?.usedTokens ?? 0) + 5,
      'the reading of the saved turn',
    );
  }, 60_000);

  it('stops an answer and shows it as interrupted, with what was written kept', async () => {
    const chat = await client.api.chats.create.mutate({});
    const conversation = createConversationStore(client.api, { scheduler: countingFrames() });
    await conversation.getState().load(chat.id);
    conversation.getState().generate({ kind: 'send', chatId: chat.id, content: 'a long answer' });
    const { live } = conversation.getState();
    await until(() => live.current().text.length > 0, 'text');
    conversation.getState().stop();
    await until(
      () => conversation.getState().messages[1]?.status === 'interrupted',
      'the interrupted status',
    );
    expect(conversation.getState().messages[1]?.content.length).toBeGreaterThan(0);
  }, 60_000);
});

/** Long answers (the tiny model writes 200 tokens in a fraction of a second). */
describe('a page that opens a chat whose answer another page is writing', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 4096 });

  it('shows the answer as it grows and ends with it saved, not frozen at what it first read', async () => {
    const writer = createConversationStore(loaded.client.api, { scheduler: countingFrames() });
    const chat = await loaded.client.api.chats.create.mutate({});
    await writer.getState().load(chat.id);
    writer.getState().generate({ kind: 'send', chatId: chat.id, content: 'Write a long answer' });
    await until(() => writer.getState().live.current().text.length > 0, 'the first text');

    // Another tab (its own page, its own connection) opens the chat mid-answer.
    const otherTab = connectClient(loaded.host);
    const reader = createConversationStore(otherTab.api, { scheduler: countingFrames() });
    const seen: string[] = [];
    const stopLive = reader.getState().live.subscribe(() => {
      seen.push(reader.getState().live.current().text);
    });
    await reader.getState().load(chat.id);
    const firstRead = reader.getState().messages[1]?.content ?? '';
    expect(reader.getState().stream).not.toBeNull();
    // It grows on the reader's screen: more than it first read, in more than one step.
    await until(
      () =>
        reader.getState().live.current().text.length > firstRead.length &&
        new Set(seen.filter((text) => text !== '')).size > 1,
      'the reader to show the answer growing',
    );
    // Stopped where it was written; the page following it ends with the saved answer.
    writer.getState().stop();
    await until(() => writer.getState().stream === null, 'the writer to finish');
    await until(() => reader.getState().stream === null, 'the followed answer to end');
    stopLive();

    const saved = await loaded.client.api.messages.branch.query({ chatId: chat.id });
    expect(saved[1]?.status).toBe('interrupted');
    expect(reader.getState().messages).toEqual(saved);
    await otherTab.close();
  }, 60_000);
});
