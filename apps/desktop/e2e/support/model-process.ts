import { readdir, readFile } from 'node:fs/promises';

/**
 * The model processes this test process started (a web host it runs forks them), read from
 * Linux's /proc: a test can stop one (SIGSTOP) to hold a load where a person would wait for it.
 */
export async function modelProcessIds(): Promise<number[]> {
  const ids: number[] = [];
  for (const task of await readdir(`/proc/${process.pid}/task`)) {
    const children = await readFile(`/proc/${process.pid}/task/${task}/children`, 'utf8').catch(
      () => '',
    );
    for (const child of children.split(' ').filter(Boolean).map(Number)) {
      const command = await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '');
      if (command.includes('model-process')) ids.push(child);
    }
  }
  return ids;
}
