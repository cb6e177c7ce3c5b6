import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { LlamaCppEngine } from '../src/index';
import type { LoadOptions } from '../src/index';

/** Whether a process maps the file at `path` into its memory (Linux's /proc/PID/maps). */
async function mapsFile(pid: number, path: string): Promise<boolean> {
  const maps = await readFile(`/proc/${pid}/maps`, 'utf8');
  return maps.split('\n').some((line) => line.endsWith(` ${path}`));
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

  it('leaves the weights memory-mapped with off, and says so', async () => {
    await load('off');
    expect((await engine.info()).weightMemory).toBe('mapped');
    expect(await mapsFile(await pid(), modelPath)).toBe(true);
  }, 60_000);

  it('copies a small model into the process by default, mapping nothing', async () => {
    await load('auto');
    expect((await engine.info()).weightMemory).toBe('copied');
    expect(await mapsFile(await pid(), modelPath)).toBe(false);
  }, 60_000);

  it('answers the same wherever the weights live', async () => {
    const copied = await answer();
    await load('off');
    expect(copied).not.toBe('');
    expect(await answer()).toBe(copied);
  }, 60_000);
});
