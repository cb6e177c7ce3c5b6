import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { createCodeFiles } from './code-files';

const files = createCodeFiles();

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid-path') return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('code files: paths inside the workspace', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'codeface-files-'));
    root = join(base, 'project');
    outside = join(base, 'elsewhere');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(root, 'src', 'app.ts'), 'old\n');
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
    symlinkSync(join(root, 'src'), join(root, 'src-link'));
    symlinkSync(join(root, 'src', 'app.ts'), join(root, 'app-link.ts'));
    symlinkSync('/dev/null', join(root, 'null-link'));
    symlinkSync(join(root, 'missing'), join(root, 'dangling'));
    mkdirSync(join(root, 'folder'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('resolves plain relative paths, new or existing, and follows links that stay inside', () => {
    expect(files.inWorkspace(root, 'src/app.ts')).toMatchObject({
      path: join(root, 'src', 'app.ts'),
      shown: 'src/app.ts',
      exists: true,
    });
    expect(files.inWorkspace(root, './src//new.ts')).toMatchObject({
      path: join(root, 'src', 'new.ts'),
      shown: 'src/new.ts',
      exists: false,
    });
    expect(files.inWorkspace(root, 'lib/deep/new.ts')).toMatchObject({
      path: join(root, 'lib', 'deep', 'new.ts'),
      exists: false,
      createFolders: join(root, 'lib', 'deep'),
    });
    expect(files.inWorkspace(root, 'src-link/app.ts').path).toBe(join(root, 'src', 'app.ts'));
    expect(files.inWorkspace(root, 'app-link.ts').path).toBe(join(root, 'src', 'app.ts'));
  });

  it('refuses hostile paths, each with a sentence that says why', () => {
    const hostile: Array<[string, RegExp]> = [
      ['../elsewhere/secret.txt', /climbs out of the workspace/],
      ['src/../../elsewhere/secret.txt', /climbs out/],
      ['/etc/passwd', /not inside the workspace/],
      ['~/.bashrc', /not inside the workspace/],
      ['C:/Windows/system.ini', /not inside the workspace/],
      ['c:evil', /not inside the workspace/],
      ['..\\..\\etc\\passwd', /forward slashes/],
      ['\\\\server\\share\\x', /forward slashes/],
      ['src/app.ts\0.png', /NUL/],
      ['escape/secret.txt', /escape links outside the workspace/],
      ['escape/new.txt', /links outside the workspace/],
      ['secret-link.txt', /links outside the workspace/],
      ['null-link', /links outside the workspace/],
      ['dangling', /link to something that does not exist/],
      ['pipe', /not a regular file/],
      ['folder', /is a folder/],
      ['src/app.ts/inner.ts', /is a file, not a folder/],
      ['NUL', /names a device/],
      ['src/con.ts', /names a device/],
      ['COM1.txt', /names a device/],
      ['file.txt:stream', /colon/],
      ['.git/hooks/pre-commit', /\.git/],
      ['sub/.GIT/config', /\.git/],
      ['src/trailing. ', /rename it/],
      ['', /Give the file a name/],
      ['./', /Give the file a name/],
      ['a/'.repeat(600), /too long/],
    ];
    for (const [path, why] of hostile) {
      expect(
        refusal(() => files.inWorkspace(root, path)),
        JSON.stringify(path),
      ).toMatch(why);
    }
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('secret\n');
  });

  it('writes atomically, creating folders, and keeps an existing file mode', () => {
    const created = files.inWorkspace(root, 'lib/deep/new.ts');
    files.write(created, 'export {};\n');
    expect(readFileSync(join(root, 'lib', 'deep', 'new.ts'), 'utf8')).toBe('export {};\n');
    const existing = files.inWorkspace(root, 'app-link.ts');
    expect(files.read(existing)).toBe('old\n');
    files.write(existing, 'new\n');
    // The link stays a link; the file it points to has the new text.
    expect(readFileSync(join(root, 'src', 'app.ts'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(root, 'app-link.ts'), 'utf8')).toBe('new\n');
  });

  it('refuses to read binary files into a preview', () => {
    writeFileSync(join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    expect(refusal(() => files.read(files.inWorkspace(root, 'image.png')))).toMatch(/binary/);
  });

  it('lists folders and regular files for the browser, never what a link leads out to', () => {
    mkdirSync(join(root, '.git'), { recursive: true });
    const top = files.listInWorkspace(root, '');
    expect(top).toMatchObject({ path: '', parent: null, truncated: false });
    const listed = top.entries.map((entry) => `${entry.kind}:${entry.path}`);
    expect(listed).toEqual(
      expect.arrayContaining(['folder:src', 'folder:src-link', 'file:app-link.ts']),
    );
    // Links out, a device, a pipe, a dangling link and .git are not offered.
    for (const hidden of ['escape', 'secret-link.txt', 'null-link', 'pipe', 'dangling', '.git']) {
      expect(
        listed.some((entry) => entry.endsWith(`:${hidden}`)),
        hidden,
      ).toBe(false);
    }
    expect(listed.findIndex((entry) => entry.startsWith('file:'))).toBeGreaterThan(
      listed.findLastIndex((entry) => entry.startsWith('folder:')),
    );
    const inner = files.listInWorkspace(root, 'src-link');
    expect(inner).toMatchObject({ path: 'src-link', parent: '' });
    expect(inner.entries).toContainEqual({
      name: 'app.ts',
      path: 'src-link/app.ts',
      kind: 'file',
      sizeBytes: 4,
    });
    expect(refusal(() => files.listInWorkspace(root, 'escape'))).toMatch(/links outside/);
    expect(refusal(() => files.listInWorkspace(root, '..'))).toMatch(/climbs out/);
    expect(refusal(() => files.listInWorkspace(root, '/etc'))).toMatch(/not inside/);
    expect(refusal(() => files.listInWorkspace(root, 'src/app.ts'))).toMatch(/not a folder/);
    expect(refusal(() => files.listInWorkspace(root, 'nope'))).toMatch(/does not exist/);
  });

  it('checks the workspace folder itself', () => {
    expect(files.folder(join(root, 'src-link'))).toBe(join(root, 'src'));
    expect(refusal(() => files.folder('relative/path'))).toMatch(/full path/);
    expect(refusal(() => files.folder(join(root, 'nope')))).toMatch(/does not exist/);
    expect(refusal(() => files.folder(join(root, 'src', 'app.ts')))).toMatch(/not a folder/);
  });

  it('accepts a picked file anywhere, but only a regular file or a new one', () => {
    expect(files.picked(join(outside, 'secret.txt')).exists).toBe(true);
    expect(files.picked(join(outside, 'new.txt')).exists).toBe(false);
    expect(refusal(() => files.picked('/dev/null'))).toMatch(/not a regular file/);
    expect(refusal(() => files.picked(join(root, 'pipe')))).toMatch(/not a regular file/);
    expect(refusal(() => files.picked('relative.txt'))).toMatch(/full path/);
    expect(refusal(() => files.picked(join(base, 'no-such-folder', 'x.txt')))).toMatch(
      /does not exist/,
    );
  });
});
