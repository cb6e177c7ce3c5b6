import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generate, rejection } from '../support/collect';
import { useLoadedHost } from '../support/test-host';

/**
 * Broke (issue 13, item 10): any error with a string `code` reached the page as BAD_REQUEST
 * with its raw message: ENOENT with the data folder's path, SQLite's own text, the engine's
 * crash report. Now the page gets one of our reasons and a sentence; the host logs the rest.
 */
describe('errors from inside the host', () => {
  const loaded = useLoadedHost({ maxAnswerTokens: 4096 });
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  afterAll(() => logged.mockRestore());

  /** Nothing of the host: no path, no errno or SQLite code, no stack frame, no signal. */
  function expectNothingOfTheHost(seen: unknown): void {
    const text = JSON.stringify(seen);
    expect(text).not.toContain(loaded.host.dataDir);
    expect(text).not.toMatch(/ENOENT|SQLITE|SqliteError|SIGKILL|\/tmp\/|\.[jt]s:\d+/);
  }

  it('a missing folder is an internal error with a generic sentence, logged in full', async () => {
    const { host, client } = loaded;
    const documents = join(host.dataDir, 'documents');
    await rm(documents, { recursive: true });
    try {
      // The local API's settings are a document of that folder (presets moved into the store).
      const error = await rejection(
        client.api.localApi.configure.mutate({ enabled: false, port: 11435 }),
      );
      expect(error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'internal-error' });
      expect(error.message).toBe(
        'Something went wrong inside CodeFace. The details are in its log.',
      );
      expectNothingOfTheHost(error.shape);
      expect(logged).toHaveBeenCalledWith(
        'CodeFace: internal-error:',
        expect.objectContaining({ code: 'ENOENT' }),
      );
    } finally {
      await mkdir(documents);
    }
  });

  it('a SQLite failure says the data could not be written, without SQLite’s text', async () => {
    const { host, client } = loaded;
    const db = host.runtime.store.db;
    // A trigger makes SQLite itself fail the insert, with a message naming the file.
    const file = join(host.dataDir, 'codeface.db');
    db.exec(
      `CREATE TRIGGER fail_insert BEFORE INSERT ON chats
       BEGIN SELECT RAISE(ABORT, 'disk I/O error reading ${file}'); END`,
    );
    try {
      const error = await rejection(client.api.chats.create.mutate({ title: 'x' }));
      expect(error.data).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'storage-error' });
      expect(error.message).toBe(
        'CodeFace could not read or write its data. The details are in its log.',
      );
      expectNothingOfTheHost(error.shape);
    } finally {
      db.exec('DROP TRIGGER fail_insert');
    }
  });

  it('an engine crash ends the answer with our sentence, not the crash report', async () => {
    const { client } = loaded;
    const chat = await client.api.chats.create.mutate({});
    const run = generate(client.api, { kind: 'send', chatId: chat.id, content: 'Go on' });
    await run.firstDelta;
    process.kill(modelProcessId(), 'SIGKILL');
    const events = await run.finished;
    const end = events.at(-1);
    expect(end).toMatchObject({
      type: 'error',
      reason: 'model-error',
      message:
        'The model stopped unexpectedly. Send again to restart it; the details are in the log.',
    });
    expectNothingOfTheHost(end);
    expect(logged).toHaveBeenCalledWith(
      'CodeFace: model-error:',
      expect.objectContaining({
        code: 'process-crashed',
        message: expect.stringMatching(/SIGKILL/),
      }),
    );
  }, 60_000);
});

/** The model process the host forked from this test's process. */
function modelProcessId(): number {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  const line = children.split('\n').find((entry) => entry.includes('model-process'));
  if (line === undefined) throw new Error(`no model process among:\n${children}`);
  return Number(line.trim().split(/\s+/)[0]);
}
