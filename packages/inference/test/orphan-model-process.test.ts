import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const OWNER = fileURLToPath(new URL('./support/engine-owner.ts', import.meta.url));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the model process', () => {
  it('exits when the app that started it dies without cleaning up', async () => {
    const owner = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), OWNER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      owner.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /model-process-pid=(\d+)/.exec(out);
        if (match?.[1]) resolve(Number(match[1]));
      });
      owner.on('exit', () => reject(new Error(`the owner exited early: ${out}`)));
    });
    expect(isRunning(pid)).toBe(true);
    owner.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (isRunning(pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(isRunning(pid)).toBe(false);
  });
});
