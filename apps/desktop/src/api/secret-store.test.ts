import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSecretStore } from './secret-store';

const folder = () => mkdtempSync(join(tmpdir(), 'codeface-secrets-'));

describe('file secret store', () => {
  it('keeps secrets across instances in a file only its user can read', () => {
    const path = join(folder(), 'secrets.json');
    createFileSecretStore({ path }).set('sync.refreshToken', 'r1');
    const again = createFileSecretStore({ path });
    expect(again.get('sync.refreshToken')).toBe('r1');
    expect(again.get('missing')).toBeNull();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(again.protection).toBe('user-only-file');
  });

  it('stores only sealed values when given a sealer', () => {
    const path = join(folder(), 'secrets.json');
    const sealer = {
      seal: (text: string) => Buffer.from(text).toString('base64'),
      open: (sealed: string) => Buffer.from(sealed, 'base64').toString(),
    };
    const store = createFileSecretStore({ path, sealer });
    store.set('apiKey', 'sk-plain');
    expect(readFileSync(path, 'utf8')).not.toContain('sk-plain');
    expect(store.get('apiKey')).toBe('sk-plain');
    expect(store.protection).toBe('os-keychain');
  });

  it('deletes one secret and keeps the others', () => {
    const store = createFileSecretStore({ path: join(folder(), 'secrets.json') });
    store.set('a', '1');
    store.set('b', '2');
    store.delete('a');
    store.delete('never-set');
    expect(store.get('a')).toBeNull();
    expect(store.get('b')).toBe('2');
  });

  it('refuses to overwrite a damaged file rather than lose what it holds', () => {
    const path = join(folder(), 'secrets.json');
    writeFileSync(path, '{not json');
    const store = createFileSecretStore({ path });
    expect(() => store.set('a', '1')).toThrow(/damaged/);
    expect(readFileSync(path, 'utf8')).toBe('{not json');
  });
});
