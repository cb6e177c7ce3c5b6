import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/fixtures/index';
import { LlamaCppEngine } from '../src/index';
import { parseCpuList } from '../src/llama/cpu-affinity';

/** The CPUs each thread of a process may run on, as the kernel reports them. */
async function threadCpus(pid: number): Promise<number[][]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  return Promise.all(
    tasks.map(async (task) => {
      const status = await readFile(`/proc/${pid}/task/${task}/status`, 'utf8');
      return parseCpuList(/^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '');
    }),
  );
}

const ownCpus = async (): Promise<number[]> => (await threadCpus(process.pid))[0] ?? [];

// Pinning needs Linux's affinity and a CPU left over for the rest of the app.
const canPin = process.platform === 'linux' && availableParallelism() > 1;

describe.skipIf(!canPin)('the model process on CPUs of its own (Linux, 2+ CPUs)', () => {
  const engine = new LlamaCppEngine({ gpu: false });
  let modelPath = '';
  let pid = 0;

  beforeAll(async () => {
    modelPath = await ensureTinyModel();
    await engine.load({ id: 'tiny', path: modelPath }, { contextSize: 512, threads: 1 });
    pid = (await engine.processId()) ?? 0;
  }, 60_000);
  afterAll(() => engine.dispose());

  it('pins every thread of a one-thread model to one CPU, and says which', async () => {
    const { cpus } = await engine.info();
    expect(cpus).toHaveLength(1);
    const threads = await threadCpus(pid);
    expect(threads.length).toBeGreaterThan(1);
    for (const allowed of threads) expect(allowed).toEqual(cpus);
    // The app itself is not pinned: the scheduler moves it off the model's CPU.
    expect((await ownCpus()).length).toBeGreaterThan(1);
  });

  it('keeps pinned threads working: the answer streams as before', async () => {
    let text = '';
    for await (const event of engine.chat([{ role: 'user', content: 'hi' }], { maxTokens: 8 })) {
      if (event.type === 'delta') text += event.text;
      if (event.type === 'error') throw new Error(event.message);
    }
    expect(text.length).toBeGreaterThan(0);
    for (const allowed of await threadCpus(pid)) expect(allowed).toHaveLength(1);
  });

  it('gives every CPU back when a model loads with cpuAffinity off, or needs them all', async () => {
    const all = await ownCpus();
    await engine.load(
      { id: 'tiny', path: modelPath },
      { contextSize: 512, threads: 1, cpuAffinity: 'off' },
    );
    expect((await engine.info()).cpus).toBeNull();
    for (const allowed of await threadCpus(pid)) expect(allowed).toEqual(all);

    await engine.load({ id: 'tiny', path: modelPath }, { contextSize: 512, threads: 1 });
    expect((await engine.info()).cpus).toHaveLength(1);
    await engine.load({ id: 'tiny', path: modelPath }, { contextSize: 512, threads: all.length });
    expect((await engine.info()).cpus).toBeNull();
    for (const allowed of await threadCpus(pid)) expect(allowed).toEqual(all);
  }, 60_000);
});
