import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFolderInUseError, lockDataFolder } from './data-folder-lock';

describe('data folder lock', () => {
  const root = mkdtempSync(join(tmpdir(), 'codeface-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const holder = (pid: number, host = hostname()) =>
    JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z' });

  it('is held once: a second taker is refused with a sentence naming the holder, until release', () => {
    const folder = join(root, 'a', 'pglite');
    const lock = lockDataFolder(folder);
    expect(JSON.parse(readFileSync(`${folder}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => lockDataFolder(folder)).toThrow(DataFolderInUseError);
    expect(() => lockDataFolder(folder)).toThrow(`(pid ${process.pid} on ${hostname()}`);
    lock.release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
    lockDataFolder(folder).release();
  });

  it('refuses while another live process holds it, and takes over from one that died', async () => {
    const folder = join(root, 'b');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      writeFileSync(`${folder}.lock`, holder(sleeper.pid ?? 0));
      expect(() => lockDataFolder(folder)).toThrow(`another sync server (pid ${sleeper.pid}`);
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((resolve) => sleeper.once('exit', resolve));
    }
    const lock = lockDataFolder(folder);
    expect(JSON.parse(readFileSync(`${folder}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('never takes over a lock it cannot check: another host, or a file naming no process', () => {
    const folder = join(root, 'c');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${folder}.lock`, holder(dead, 'another-host'));
    expect(() => lockDataFolder(folder)).toThrow(
      `If that process no longer runs, delete ${folder}.lock`,
    );
    writeFileSync(`${folder}.lock`, 'garbage');
    expect(() => lockDataFolder(folder)).toThrow('which names no process');
    rmSync(`${folder}.lock`);
  });

  it('releases only its own lock', () => {
    const folder = join(root, 'd');
    const lock = lockDataFolder(folder);
    writeFileSync(`${folder}.lock`, holder(1));
    lock.release();
    expect(existsSync(`${folder}.lock`)).toBe(true);
  });
});
