import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError, LlamaCppEngine } from '../src/index';
import type { SpawnModelProcess } from '../src/index';
import type { ModelProcessHandle } from '../src/llama/spawn-model-process';
import { collect } from './helpers';

const STUB = fileURLToPath(new URL('./support/misbehaving-model-process.ts', import.meta.url));

/** Spawns the stub in a given mode; records every handle so tests can see restarts. */
function stubSpawn(mode: string, handles: ModelProcessHandle[]): SpawnModelProcess {
  return () => {
    const child = fork(STUB, [mode], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      serialization: 'advanced',
    });
    const handle: ModelProcessHandle = {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message as object);
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.on('exit', (code, signal) => listener({ code, signal }));
      },
      kill: () => {
        child.kill('SIGKILL');
      },
    };
    handles.push(handle);
    return handle;
  };
}

describe('LlamaCppEngine with a misbehaving model process', () => {
  const engines: LlamaCppEngine[] = [];
  const make = (mode: string, handles: ModelProcessHandle[] = []): LlamaCppEngine => {
    const engine = new LlamaCppEngine({
      spawn: stubSpawn(mode, handles),
      abortGraceMs: 300,
      loadTimeoutMs: 1_000,
    });
    engines.push(engine);
    return engine;
  };
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.dispose()));
  });

  it('kills a process that ignores a stop, ends the stream as stopped, and restarts', async () => {
    const handles: ModelProcessHandle[] = [];
    const engine = make('ignore-abort', handles);
    await engine.load({ id: 'stub', path: '/stub.gguf' });
    const controller = new AbortController();
    const stopped = await collect(
      engine.chat([{ role: 'user', content: 'x' }], {}, controller.signal),
      () => controller.abort(),
    );
    expect(stopped.text).toBe('partial');
    expect(stopped.end).toMatchObject({ type: 'done', stopReason: 'aborted', tokens: 3 });
    // The next request gets a fresh process, with the model loaded again.
    const next = await collect(
      engine.chat([{ role: 'user', content: 'y' }], {}, AbortSignal.timeout(500)),
    );
    expect(next.text).toBe('partial');
    expect(next.end).toMatchObject({ type: 'done', stopReason: 'aborted' });
    expect(handles).toHaveLength(2);
    expect(handles[1]?.pid).not.toBe(handles[0]?.pid);
  }, 30_000);

  it('gives up on a load that never answers', async () => {
    const engine = make('hang-load');
    const error = await engine.load({ id: 'stub', path: '/stub.gguf' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'load-timeout' });
  }, 30_000);

  it('refuses a process that speaks another protocol version', async () => {
    const engine = make('old-protocol');
    await expect(engine.load({ id: 'stub', path: '/stub.gguf' })).rejects.toMatchObject({
      code: 'load-failed',
      message: expect.stringContaining('protocol 0'),
    });
  }, 30_000);

  it('ends a request whose reply breaks the protocol with an error, not a hang', async () => {
    const engine = make('invalid-reply');
    await engine.load({ id: 'stub', path: '/stub.gguf' });
    const result = await collect(engine.chat([{ role: 'user', content: 'x' }]));
    expect(result.text).toBe('partial');
    expect(result.end).toMatchObject({ type: 'error', code: 'generation-failed' });
    expect(result.end?.type === 'error' && result.end.message).toContain('tokensPerSecond');
  }, 30_000);

  it('ignores malformed messages from the process', async () => {
    const engine = make('malformed');
    await engine.load({ id: 'stub', path: '/stub.gguf' });
    const result = await collect(engine.chat([{ role: 'user', content: 'x' }]));
    expect(result.text).toBe('partial');
    expect(result.end).toMatchObject({ type: 'done', stopReason: 'eos' });
  }, 30_000);
});
