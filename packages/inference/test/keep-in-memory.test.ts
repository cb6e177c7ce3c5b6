import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { LlamaCppEngine } from '../src/index';
import type { LoadOptions } from '../src/index';
import { readLockableBytes } from '../src/llama/weight-memory';

/** Bytes a process holds locked in RAM, as the kernel counts them. */
async function lockedBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmLck:\s*(\d+)\s*kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

describe.skipIf(process.platform !== 'linux')('keepInMemory (Linux)', () => {
  const engine = new LlamaCppEngine({ gpu: false });
  let modelPath = '';
  const load = (keepInMemory: LoadOptions['keepInMemory']) =>
    engine.load({ id: 'tiny', path: modelPath }, { contextSize: 512, threads: 1, keepInMemory });
  const pid = async () => (await engine.processId()) ?? -1;
  const answer = async () => {
    let text = '';
    for await (const event of engine.chat([{ role: 'user', content: 'sort' }], {
      maxTokens: 12,
      temperature: 0,
    })) {
      if (event.type === 'delta') text += event.text;
      if (event.type === 'error') throw new Error(event.message);
    }
    return text;
  };

  beforeAll(async () => {
    modelPath = await ensureTinyModel();
  });
  afterAll(() => engine.dispose());

  // Off first: llama.cpp leaves a small model's lock in place after it is unloaded, so a fresh
  // process is the only place where no lock proves nothing was locked.
  it('leaves the weights mapped with off, and says so', async () => {
    await load('off');
    expect((await engine.info()).weightMemory).toBe('mapped');
    expect(await lockedBytes(await pid())).toBe(0);
  }, 60_000);

  it('copies the weights into the process with copy, locking nothing', async () => {
    await load('copy');
    expect((await engine.info()).weightMemory).toBe('copied');
    expect(await lockedBytes(await pid())).toBe(0);
  }, 60_000);

  it('locks them with lock where this user may, and says whether it took', async () => {
    await load('lock');
    const mayLock = (await readLockableBytes()) >= (await stat(modelPath)).size;
    expect((await engine.info()).weightMemory).toBe(mayLock ? 'locked' : 'mapped');
    expect((await lockedBytes(await pid())) > 0).toBe(mayLock);
  }, 60_000);

  it('keeps a small model in RAM by default, one way or the other', async () => {
    await load('auto');
    expect(['locked', 'copied']).toContain((await engine.info()).weightMemory);
  }, 60_000);

  it('answers the same wherever the weights live', async () => {
    const answers: string[] = [];
    for (const mode of ['lock', 'copy', 'off'] as const) {
      await load(mode);
      answers.push(await answer());
    }
    expect(answers[0]).not.toBe('');
    expect(new Set(answers).size).toBe(1);
  }, 60_000);
});
