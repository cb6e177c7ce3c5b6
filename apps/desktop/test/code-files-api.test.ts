import {
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
  realpath,
  access,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/api/compose';
import { connectClient, removeTestHost, startTestHost } from './support/test-host';
import type { TestClient, TestHost } from './support/test-host';

async function refusal(
  promise: Promise<unknown>,
): Promise<{ message: string; code?: string; reason?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string; reason?: string } | undefined;
      return { message: error.message, code: data?.code, reason: data?.reason };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('code to files over the app API (web host)', () => {
  let host: TestHost;
  let client: TestClient;
  let workspace: string;
  let outside: string;
  beforeAll(async () => {
    host = await startTestHost();
    client = connectClient(host);
    const base = await mkdtemp(join(tmpdir(), 'codeface-workspace-'));
    workspace = join(base, 'project');
    outside = join(base, 'outside');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'keep.txt'), 'keep\n');
    await symlink(outside, join(workspace, 'out-link'));
  }, 60_000);
  afterAll(async () => {
    await client.close();
    await removeTestHost(host);
    await rm(join(workspace, '..'), { recursive: true, force: true });
  }, 60_000);

  it('writes nothing until a workspace folder is set, and checks the folder', async () => {
    const none = await refusal(
      client.api.codeFiles.preview.query({
        target: { kind: 'workspace', path: 'a.ts' },
        content: 'x',
      }),
    );
    expect(none).toMatchObject({ code: 'PRECONDITION_FAILED', reason: 'no-workspace' });
    expect(none.message).toMatch(/Choose a workspace folder in Settings first/);
    const missing = await refusal(
      client.api.settings.update.mutate({ workspaceFolder: join(workspace, 'nope') }),
    );
    expect(missing.message).toMatch(/does not exist/);
    const saved = await client.api.settings.update.mutate({ workspaceFolder: workspace });
    expect(saved.workspaceFolder).toBe(await realpath(workspace));
    const pick = await refusal(
      client.api.codeFiles.pick.mutate({ mode: 'save', suggestedPath: null }),
    );
    expect(pick).toMatchObject({ code: 'METHOD_NOT_SUPPORTED' });
  });

  it('previews a new file, writes it, and undoes the write', async () => {
    const target = { kind: 'workspace', path: 'src/new/app.ts' } as const;
    const preview = await client.api.codeFiles.preview.query({
      target,
      content: 'export const a = 1;',
    });
    expect(preview).toMatchObject({
      shown: 'src/new/app.ts',
      exists: false,
      before: '',
      after: 'export const a = 1;\n',
    });
    expect(await exists(join(workspace, 'src/new/app.ts'))).toBe(false);
    const written = await client.api.codeFiles.write.mutate({
      target,
      content: 'export const a = 1;',
      beforeHash: preview.beforeHash,
    });
    expect(written).toMatchObject({ shown: 'src/new/app.ts', created: true });
    expect(await readFile(join(workspace, 'src/new/app.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(await client.api.codeFiles.undo.mutate({ undoId: written.undoId })).toEqual({
      shown: 'src/new/app.ts',
      removed: true,
    });
    expect(await exists(join(workspace, 'src/new/app.ts'))).toBe(false);
    const again = await refusal(client.api.codeFiles.undo.mutate({ undoId: written.undoId }));
    expect(again.reason).toBe('undo-expired');
  });

  it('applies to an existing file only if it still holds what the preview showed', async () => {
    const file = join(workspace, 'src/main.ts');
    await writeFile(file, 'old\n');
    const target = { kind: 'workspace', path: 'src/main.ts' } as const;
    const preview = await client.api.codeFiles.preview.query({ target, content: 'new' });
    expect(preview).toMatchObject({ exists: true, before: 'old\n', after: 'new\n' });
    await writeFile(file, 'edited meanwhile\n');
    const stale = await refusal(
      client.api.codeFiles.write.mutate({ target, content: 'new', beforeHash: preview.beforeHash }),
    );
    expect(stale).toMatchObject({ code: 'CONFLICT', reason: 'file-changed' });
    expect(await readFile(file, 'utf8')).toBe('edited meanwhile\n');

    const fresh = await client.api.codeFiles.preview.query({ target, content: 'new' });
    const written = await client.api.codeFiles.write.mutate({
      target,
      content: 'new',
      beforeHash: fresh.beforeHash,
    });
    expect(await readFile(file, 'utf8')).toBe('new\n');
    await client.api.codeFiles.undo.mutate({ undoId: written.undoId });
    expect(await readFile(file, 'utf8')).toBe('edited meanwhile\n');
  });

  it('never writes reasoning', async () => {
    const target = { kind: 'workspace', path: 'src/think.py' } as const;
    const content =
      '<think>the user wants a loop\nlet me plan</think>\nfor i in range(3):\n    print(i)';
    const preview = await client.api.codeFiles.preview.query({ target, content });
    expect(preview.after).toBe('for i in range(3):\n    print(i)\n');
    await client.api.codeFiles.write.mutate({ target, content, beforeHash: preview.beforeHash });
    expect(await readFile(join(workspace, 'src/think.py'), 'utf8')).not.toMatch(/think|plan/);
    const onlyReasoning = await refusal(
      client.api.codeFiles.preview.query({ target, content: '<think>still thinking about it' }),
    );
    expect(onlyReasoning).toMatchObject({ code: 'BAD_REQUEST', reason: 'empty-code' });
  });

  it('refuses hostile paths with a sentence, and leaves what is outside untouched', async () => {
    for (const path of [
      '../outside/keep.txt',
      '/etc/passwd',
      'out-link/keep.txt',
      '.git/config',
      'a\\..\\..\\b',
    ]) {
      const refused = await refusal(
        client.api.codeFiles.preview.query({ target: { kind: 'workspace', path }, content: 'x' }),
      );
      expect(refused, path).toMatchObject({ code: 'BAD_REQUEST', reason: 'invalid-path' });
      expect(refused.message, path).not.toContain(outside);
    }
    expect(await readFile(join(outside, 'keep.txt'), 'utf8')).toBe('keep\n');
  });
});

describe('Undo of code written into a file, kept in the store until the next start', () => {
  it('outlives a reload of the window, and is gone once the app starts again', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'codeface-undo-'));
    const file = join(workspace, 'app.ts');
    await writeFile(file, 'before\n');
    let host = await startTestHost();
    const { dataDir } = host;
    try {
      let client = connectClient(host);
      await client.api.settings.update.mutate({ workspaceFolder: workspace });
      const target = { kind: 'workspace', path: 'app.ts' } as const;
      const write = async (content: string) => {
        const preview = await client.api.codeFiles.preview.query({ target, content });
        return client.api.codeFiles.write.mutate({
          target,
          content,
          beforeHash: preview.beforeHash,
        });
      };

      // The window reloads: a new connection, the same app.
      const first = await write('first');
      await client.close();
      client = connectClient(host);
      expect(await client.api.codeFiles.undo.mutate({ undoId: first.undoId })).toEqual({
        shown: 'app.ts',
        removed: false,
      });
      expect(await readFile(file, 'utf8')).toBe('before\n');

      // Kept in the SQLite file, not in the app's memory: it is there once the app has quit.
      const second = await write('second');
      await client.close();
      await host.close();
      await rm(host.rendererDir, { recursive: true, force: true });
      const database = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      expect(database.prepare('SELECT id, path, previous FROM code_undos').all()).toEqual([
        { id: second.undoId, path: 'app.ts', previous: 'before\n' },
      ]);
      database.close();

      // The next start forgets it; the file keeps what was written.
      host = await startTestHost({ dataDir });
      client = connectClient(host);
      const expired = await refusal(client.api.codeFiles.undo.mutate({ undoId: second.undoId }));
      expect(expired).toMatchObject({ reason: 'undo-expired' });
      expect(expired.message).toBe('That change can no longer be undone.');
      expect(await readFile(file, 'utf8')).toBe('second\n');
      await client.close();
    } finally {
      await removeTestHost(host);
      await rm(workspace, { recursive: true, force: true });
    }
  }, 120_000);
});
