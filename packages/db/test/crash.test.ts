import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/index';
import Database from 'better-sqlite3-multiple-ciphers';
import {
  CrashCheckError,
  buildChild,
  crashSeed,
  runCrashCampaign,
  verifyAfterKill,
} from './crash/harness';
import { tempDir } from './helpers';

describe('crash safety', () => {
  let childScript = '';

  beforeAll(async () => {
    childScript = await buildChild();
  });

  afterAll(() => {
    fs.rmSync(childScript, { force: true });
  });

  it('keeps every acknowledged message and a sound file through 200 kills at random moments', async () => {
    // Two writers on two files, 100 kills each: the same checks in about half the wall time on
    // two cores, since most of a round is a Node process starting.
    const folder = tempDir();
    const seed = crashSeed();
    // Printed on every run, so that a failure seen once can be replayed.
    console.info(
      `crash test seed ${seed}; replay: CODEFACE_CRASH_SEED=${seed} npx vitest run packages/db/test/crash.test.ts`,
    );
    const lanes = await Promise.all(
      [0, 1].map((lane) =>
        runCrashCampaign({
          kills: 100,
          file: path.join(folder, `crash-${lane}.db`),
          seed: seed + lane,
          childScript,
        }),
      ),
    );
    expect(lanes.reduce((kills, lane) => kills + lane.kills, 0)).toBe(200);
    for (const [lane, result] of lanes.entries()) {
      // The kills landed while the child was writing, not only before it started.
      expect(result.ackedMessages).toBeGreaterThan(100);
      const store = openStore({ path: path.join(folder, `crash-${lane}.db`) });
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(
        store.db.prepare("SELECT count(*) FROM messages WHERE status = 'streaming'").pluck().get(),
      ).toBe(0);
      store.close();
    }
  }, 240_000);

  it('fails the check when an acknowledged message is missing or its text is wrong', async () => {
    const file = path.join(tempDir(), 'crash.db');
    const { expected } = await runCrashCampaign({ kills: 3, file, seed: 7, childScript });
    const [first, second] = [...expected.values()].filter((ack) => ack.chunks > 0);
    expect(second).toBeDefined();
    const db = new Database(file);
    db.prepare("UPDATE messages SET content = 'tampered' WHERE id = ?").run(first?.id);
    db.close();
    expect(() => verifyAfterKill(file, expected)).toThrow(CrashCheckError);
    const again = new Database(file);
    again.prepare('UPDATE messages SET content = ? WHERE id = ?').run('', first?.id);
    again.prepare('DELETE FROM messages WHERE id = ?').run(second?.id);
    again.close();
    expect(() => verifyAfterKill(file, expected)).toThrow(/missing|found/);
  }, 60_000);

  it('takes its seed from CODEFACE_CRASH_SEED, and says what it expects of one that is wrong', () => {
    expect(crashSeed({ CODEFACE_CRASH_SEED: '4711' })).toBe(4711);
    expect(crashSeed({})).toBeGreaterThanOrEqual(0);
    expect(() => crashSeed({ CODEFACE_CRASH_SEED: 'soon' })).toThrow(/whole number/);
  });

  it('accepts a file with no schema only while nothing was acknowledged', () => {
    // What a kill leaves between SQLite creating the file and the first migration committing.
    const file = path.join(tempDir(), 'unmigrated.db');
    const created = new Database(file);
    created.pragma('journal_mode = WAL');
    created.close();
    expect(() => verifyAfterKill(file, new Map())).not.toThrow();
    const acked = new Map([['m1', { kind: 'append' as const, id: 'm1', chunks: 1 }]]);
    expect(() => verifyAfterKill(file, acked)).toThrow(/schema is gone/);
  });
});
