import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@codeface/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeFiles } from '../adapters/code-files';
import { createDbChatStore } from '../adapters/db-chat-store';
import { AppError } from '../errors';
import type { PathRequest } from '../platform';
import { CodeFileService } from './code-file-service';
import { SettingsService } from './settings-service';

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/**
 * The service over the real disk and a real settings store. Native dialogs are the platform's
 * port: here they answer with the paths a person would pick, and record what they were asked.
 */
describe('code to files: the service', () => {
  let base: string;
  let workspace: string;
  let outside: string;
  let store: Store;
  let settings: SettingsService;
  const files = createCodeFiles();
  const asked: PathRequest[] = [];
  const answers: Array<string | null> = [];
  const service = (canPickFiles: boolean) =>
    new CodeFileService({
      files,
      undos: store.codeUndos,
      settings,
      newId: randomUUID,
      platform: {
        canPickFiles,
        pickPath: (request) => {
          asked.push(request);
          return Promise.resolve(answers.shift() ?? null);
        },
      },
    });

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'codeface-code-service-'));
    workspace = join(base, 'project');
    outside = join(base, 'outside');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'keep.txt'), 'keep\n');
    store = openStore({ path: join(base, 'data', 'codeface.db') });
    settings = new SettingsService(createDbChatStore(store), {
      workspaceFolder: (folder) => (folder === null ? null : files.folder(folder)),
    });
  });
  afterAll(() => {
    store.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('in the desktop app, saves to a file picked in the save dialog and undoes it', async () => {
    settings.update({ workspaceFolder: workspace });
    const desktop = service(true);
    answers.push(join(workspace, 'src', 'picked.ts'));
    const pick = await desktop.pick({ mode: 'save', suggestedPath: 'src/app.ts' });
    // The fence's path is proposed inside the workspace folder.
    expect(asked.at(-1)).toEqual({
      kind: 'save-file',
      title: 'Save code as',
      defaultPath: `${workspace}/src/app.ts`,
    });
    if (!pick) throw new Error('expected a pick');
    const target = { kind: 'picked', pickId: pick.pickId } as const;
    const preview = desktop.preview({ target, content: 'export {};' });
    expect(preview).toMatchObject({ exists: false, before: '', after: 'export {};\n' });
    const written = desktop.write({
      target,
      content: 'export {};',
      beforeHash: preview.beforeHash,
    });
    expect(readFileSync(join(workspace, 'src', 'picked.ts'), 'utf8')).toBe('export {};\n');
    expect(desktop.undo(written.undoId)).toMatchObject({ removed: true });
    expect(existsSync(join(workspace, 'src', 'picked.ts'))).toBe(false);

    answers.push(null);
    expect(await desktop.pick({ mode: 'apply', suggestedPath: null })).toBeNull();
    expect(asked.at(-1)).toMatchObject({ kind: 'open-file', defaultPath: workspace });
  });

  it('in the web host, has no dialogs and says what to do instead', async () => {
    const web = service(false);
    await expect(web.pick({ mode: 'save', suggestedPath: null })).rejects.toThrow(
      /type a path inside the workspace folder/,
    );
    await expect(web.pickWorkspace()).resolves.toBeNull();
    // Its browser lists the workspace instead; a link out is not in the list.
    symlinkSync(outside, join(workspace, 'out-link'));
    expect(web.browse('').entries.map((entry) => entry.path)).toEqual(['src']);
    expect(refusal(() => web.browse('out-link')).message).toMatch(/links outside the workspace/);
  });

  it('keeps the previous content for Undo across many writes, and refuses to undo over edits', () => {
    const web = service(false);
    const file = join(workspace, 'src', 'main.ts');
    writeFileSync(file, 'first\n');
    const target = { kind: 'workspace', path: 'src/main.ts' } as const;
    const write = (content: string) =>
      web.write({
        target,
        content,
        beforeHash: web.preview({ target, content }).beforeHash,
      });
    const first = write('second');
    const undos = Array.from({ length: 50 }, (_, i) => write(`edit ${i}`));
    // The oldest write's Undo is forgotten once 50 newer ones are kept.
    expect(refusal(() => web.undo(first.undoId)).code).toBe('undo-expired');
    const last = undos.at(-1);
    if (!last) throw new Error('expected writes');
    writeFileSync(file, 'edited by hand\n');
    const edited = refusal(() => web.undo(last.undoId));
    expect(edited.code).toBe('file-changed');
    expect(edited.message).toMatch(/undoing would lose those changes/);
    expect(readFileSync(file, 'utf8')).toBe('edited by hand\n');
  });

  it('does not follow a file swapped for a link outside between the write and its Undo', () => {
    const web = service(false);
    const file = join(workspace, 'src', 'swap.ts');
    const target = { kind: 'workspace', path: 'src/swap.ts' } as const;
    const preview = web.preview({ target, content: 'mine' });
    const written = web.write({ target, content: 'mine', beforeHash: preview.beforeHash });
    // Someone replaces the file with a link to a file outside that holds the same text.
    writeFileSync(join(outside, 'swap.ts'), 'mine\n');
    unlinkSync(file);
    symlinkSync(join(outside, 'swap.ts'), file);
    expect(refusal(() => web.undo(written.undoId)).code).toBe('invalid-path');
    expect(readFileSync(join(outside, 'swap.ts'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('keep\n');
  });

  it('never writes reasoning, and refuses a block that is only reasoning', () => {
    const web = service(false);
    const target = { kind: 'workspace', path: 'src/think.ts' } as const;
    const content = '<think>plan it</think>\nexport const a = 1;\n<think>and more';
    const preview = web.preview({ target, content });
    expect(preview.after).toBe('export const a = 1;\n');
    web.write({ target, content, beforeHash: preview.beforeHash });
    expect(readFileSync(join(workspace, 'src', 'think.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(refusal(() => web.preview({ target, content: '<think>only this</think>' })).code).toBe(
      'empty-code',
    );
  });
});
