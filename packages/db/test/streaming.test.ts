import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Message, openStore } from '../src/index';
import type { Timers } from '../src/streaming';
import { openTestStore, tempDir } from './helpers';

/** Timers the test fires by hand, with a clock that moves when they do. */
function manualTimers() {
  let time = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  let nextHandle = 0;
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      nextHandle += 1;
      pending.set(nextHandle, { at: time + ms, callback });
      return nextHandle;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    now: () => time,
    pendingCount: () => pending.size,
    advance(ms: number) {
      time += ms;
      for (const [handle, timer] of [...pending]) {
        if (timer.at <= time) {
          pending.delete(handle);
          timer.callback();
        }
      }
    },
  };
}

describe('streaming writes', () => {
  it('coalesces many deltas into one write per interval, and finish writes the rest', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    store.messages.append({ chatId: chat.id, role: 'user', content: 'Explain closures' });
    const clock = manualTimers();
    const flushed: Message[] = [];
    const writer = store.messages.startStreaming(
      { chatId: chat.id, model: 'tiny' },
      { timers: clock.timers, now: clock.now, onFlush: (message) => flushed.push(message) },
    );
    const start = store.changes.latestCursor();
    expect(store.messages.get(writer.messageId)?.status).toBe('streaming');

    for (let token = 0; token < 50; token += 1) writer.append(`t${token} `);
    expect(clock.pendingCount()).toBe(1);
    expect(store.messages.get(writer.messageId)?.content).toBe('');
    clock.advance(0);
    expect(flushed).toHaveLength(1);
    expect(store.messages.get(writer.messageId)?.content).toBe(writer.content);

    writer.append('more ');
    clock.advance(50);
    expect(flushed).toHaveLength(1);
    clock.advance(50);
    expect(flushed).toHaveLength(2);
    writer.append('tail');
    const done = writer.finish({ completionTokens: 52, tokensPerSecond: 40 });
    expect(done).toMatchObject({ status: 'done', completionTokens: 52, tokensPerSecond: 40 });
    expect(done.content.endsWith('more tail')).toBe(true);
    expect(clock.pendingCount()).toBe(0);
    // Two timed flushes and the final write: three changes, not 52.
    expect(store.changes.since(start).changes).toHaveLength(3);
    expect(() => writer.append('late')).toThrow(/closed/);
    store.close();
  });

  it('keeps the text when generation fails or is stopped', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const clock = manualTimers();
    const failed = store.messages.startStreaming({ chatId: chat.id }, { timers: clock.timers });
    failed.append('half an answer');
    expect(failed.fail({ error: 'model crashed' })).toMatchObject({
      status: 'error',
      error: 'model crashed',
      content: 'half an answer',
    });
    const stopped = store.messages.startStreaming(
      { chatId: chat.id, parentId: null },
      { timers: clock.timers },
    );
    stopped.setContent('partial');
    stopped.flush();
    stopped.flush();
    const figures = { completionTokens: 7, timeToFirstTokenMs: 120, tokensPerSecond: 35 };
    expect(stopped.fail({ error: 'stopped', status: 'interrupted', ...figures })).toMatchObject({
      status: 'interrupted',
      content: 'partial',
      ...figures,
    });
    store.close();
  });

  it('reports a failed timed flush from the next call instead of crashing', () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const clock = manualTimers();
    const writer = store.messages.startStreaming({ chatId: chat.id }, { timers: clock.timers });
    writer.append('x');
    store.db.exec(
      "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    clock.advance(100);
    expect(() => writer.append('y')).toThrow('disk full');
    const errors: unknown[] = [];
    const reported = store.messages.startStreaming(
      { chatId: chat.id, parentId: null },
      { timers: clock.timers, onError: (error) => errors.push(error) },
    );
    reported.append('z');
    clock.advance(100);
    expect(errors).toHaveLength(1);
    store.close();
  });

  it('flushes on real timers too', async () => {
    const store = openTestStore();
    const chat = store.chats.create({});
    const flushed = new Promise<Message>((resolve) => {
      const writer = store.messages.startStreaming(
        { chatId: chat.id },
        { flushIntervalMs: 5, onFlush: resolve },
      );
      writer.append('hello');
    });
    expect((await flushed).content).toBe('hello');
    store.close();
  });

  it('marks messages left streaming by a crash as interrupted on open, text kept', () => {
    const file = path.join(tempDir(), 'codeface.db');
    const first = openStore({ path: file });
    const chat = first.chats.create({});
    const writer = first.messages.startStreaming({ chatId: chat.id });
    writer.append('the answer so far');
    writer.flush();
    // The process "dies": the writer is never finished.
    first.close();
    const second = openStore({ path: file });
    expect(second.openReport.interruptedMessages).toBe(1);
    expect(second.messages.get(writer.messageId)).toMatchObject({
      status: 'interrupted',
      content: 'the answer so far',
    });
    expect(() => second.messages.updateStreaming(writer.messageId, 'x')).toThrow(
      expect.objectContaining({ code: 'not-streaming' }),
    );
    second.close();
  });
});
