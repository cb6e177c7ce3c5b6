import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as db from '@codeface/db';
import * as inference from '@codeface/inference';
import * as syncCrypto from '@codeface/sync/crypto';
import * as syncEngine from '@codeface/sync/engine';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from './errors';
import { toAppError } from './to-app-error';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const edgeSource = readFileSync(
  fileURLToPath(new URL('./to-app-error.ts', import.meta.url)),
  'utf8',
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every error class the packages export, found in their source: `export class XError extends Error`. */
const errorClasses = readdirSync(join(repo, 'packages')).flatMap((name) => {
  const src = join(repo, 'packages', name, 'src');
  return sourceFiles(src).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/export class (\w+) extends Error\b/g)].map(
      (match) => ({ name: match[1] ?? '', file: relative(repo, file) }),
    ),
  );
});

const exported: Record<string, unknown> = { ...db, ...inference, ...syncCrypto, ...syncEngine };

describe('one error shape (0406)', () => {
  it('finds the error classes of every package', () => {
    expect(errorClasses.map((found) => found.name).sort()).toEqual(
      expect.arrayContaining([
        'ClockError',
        'CryptoError',
        'EmbeddingError',
        'EngineError',
        'ModelError',
        'PromptError',
        'StoreError',
      ]),
    );
  });

  it.each(errorClasses)('$name ($file) takes (code, message, data)', ({ name }) => {
    const type = exported[name];
    if (typeof type !== 'function') throw new Error(`${name} is not exported by its package`);
    const ErrorClass = type as new (code: string, message: string, data?: object) => Error;
    const error = new ErrorClass('some-code', 'What happened.', { id: 'x' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name, code: 'some-code', data: { id: 'x' } });
    expect(error.message).toBe('What happened.');
    expect(new ErrorClass('some-code', 'No data.')).toMatchObject({ data: {} });
  });

  it.each(errorClasses)('$name is explained at the API edge', ({ name }) => {
    expect(edgeSource).toMatch(new RegExp(`packageError<\\w+>\\(${name},`));
  });
});

describe('toAppError', () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  afterEach(() => logged.mockClear());

  it('gives a package error our reason and a sentence of our own', () => {
    const error = toAppError(
      new db.StoreError('not-found', 'No chat c1 in /home/alice/codeface.db.', {
        entity: 'chat',
        id: 'c1',
      }),
    );
    expect(error).toMatchObject({ code: 'chat-not-found', message: 'That chat no longer exists.' });
    expect(error.data).toEqual({});
    expect(logged).not.toHaveBeenCalled();
  });

  it('says what an engine crash means without its text, and logs the text', () => {
    const crash = new inference.EngineError(
      'process-crashed',
      'llama_decode: failed at /opt/models/secret.gguf\n    at ModelHost.chat (/app/model-host.js:12:3)',
    );
    const error = toAppError(crash);
    expect(error.code).toBe('model-error');
    expect(error.message).not.toMatch(/llama|\/opt|model-host/);
    expect(logged).toHaveBeenCalledWith('CodeFace: model-error:', crash);
  });

  it('says a call that reached the engine after the app closed met a closing app, and logs nothing', () => {
    const error = toAppError(new inference.EngineError('closed', 'This engine has been disposed.'));
    expect(error).toMatchObject({
      code: 'closing',
      message: 'CodeFace is closing. Open it again to go on.',
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it('hides a file system error and anything unknown behind one generic sentence', () => {
    const missing = Object.assign(new Error("ENOENT: no such file, open '/home/alice/x.json'"), {
      code: 'ENOENT',
      path: '/home/alice/x.json',
    });
    for (const error of [missing, new TypeError('x is undefined'), 'a string']) {
      const mapped = toAppError(error);
      expect(mapped.code).toBe('internal-error');
      expect(mapped.message).toBe(
        'Something went wrong inside CodeFace. The details are in its log.',
      );
    }
    expect(logged).toHaveBeenCalledTimes(3);
  });

  it('tells a full disk and a locked database apart from other SQLite failures', () => {
    const sqlite = (code: string) =>
      Object.assign(new Error(`${code}: database or disk is full`), { code });
    expect(toAppError(sqlite('SQLITE_FULL')).code).toBe('disk-full');
    expect(toAppError(sqlite('SQLITE_BUSY')).code).toBe('storage-busy');
    const other = toAppError(sqlite('SQLITE_CORRUPT'));
    expect(other.code).toBe('storage-error');
    expect(other.message).not.toContain('SQLITE');
  });

  it('passes an AppError through as it is', () => {
    const error = new AppError('invalid-branch', 'This message has no question to answer again.');
    expect(toAppError(error)).toBe(error);
  });
});
