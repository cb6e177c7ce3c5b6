import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, readEnv } from './env';

describe('defaultDataDir', () => {
  it('is the per-OS folder that the desktop app and codeface serve both open', () => {
    expect(defaultDataDir(readEnv({}), 'linux')).toBe(join(homedir(), '.local/share/codeface'));
    expect(defaultDataDir(readEnv({ XDG_DATA_HOME: '/data' }), 'linux')).toBe('/data/codeface');
    expect(defaultDataDir(readEnv({}), 'darwin')).toBe(
      join(homedir(), 'Library/Application Support/CodeFace'),
    );
    expect(defaultDataDir(readEnv({ APPDATA: 'C:\\Users\\a\\AppData' }), 'win32')).toBe(
      join('C:\\Users\\a\\AppData', 'CodeFace'),
    );
  });

  it('is the folder CODEFACE_DATA_DIR names, on every OS', () => {
    for (const os of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultDataDir(readEnv({ CODEFACE_DATA_DIR: '/mine' }), os)).toBe('/mine');
    }
  });
});
