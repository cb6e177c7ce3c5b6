import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * Keeps the model's threads on CPUs of their own (0206). On a machine whose cores are shared with
 * the chat window, the browser and the app, generation otherwise hops between cores with
 * everything else: on two cores that cost a fifth of the tokens per second while an answer was
 * painted. Pinned, the model's threads stay together and the scheduler moves the rest away.
 */

/** What the choice depends on; read from Linux, or given by a test. */
export type CpuLayout = {
  /** The CPUs this process may run on, before any pinning, ascending. */
  allowed: number[];
  /** The CPU this process ran on last: pinning starts there, so two model processes spread. */
  current: number;
  /** The physical core of each CPU: hyperthreads of one core share it. */
  coreOf: (cpu: number) => string;
};

/**
 * The CPUs for `threads` model threads: one per physical core, starting at the current CPU and
 * going up (wrapping), or null when the model needs every core there is, so pinning would only
 * take freedom from the scheduler. At least one CPU is left for the rest of the app.
 */
export function chooseModelCpus(threads: number, layout: CpuLayout): number[] | null {
  const { allowed, current, coreOf } = layout;
  if (threads + 1 > allowed.length) return null;
  const start = Math.max(0, allowed.indexOf(current));
  const ordered = [...allowed.slice(start), ...allowed.slice(0, start)];
  const chosen: number[] = [];
  const cores = new Set<string>();
  for (const cpu of ordered) {
    if (chosen.length === threads) break;
    const core = coreOf(cpu);
    if (cores.has(core)) continue;
    cores.add(core);
    chosen.push(cpu);
  }
  // Fewer physical cores than threads: the threads would share cores however they are placed.
  if (chosen.length < threads) return null;
  return chosen.sort((a, b) => a - b);
}

/** Parses a kernel CPU list such as `0-3,6,8-9`. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const [from, to = from] = part.split('-').map(Number);
    if (
      from === undefined ||
      to === undefined ||
      !Number.isInteger(from) ||
      !Number.isInteger(to)
    ) {
      throw new Error(`not a CPU list: ${list}`);
    }
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** This process's CPU layout, or null where it cannot be read (anything but Linux). */
export async function readCpuLayout(): Promise<CpuLayout | null> {
  if (process.platform !== 'linux') return null;
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
    const stat = await readFile('/proc/self/stat', 'utf8');
    // Field 39 of the line is the CPU it last ran on; the name (field 2) may hold spaces.
    const current = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36]);
    if (list === undefined || !Number.isInteger(current)) return null;
    const allowed = parseCpuList(list);
    const cores = new Map<number, string>();
    for (const cpu of allowed) {
      const siblings = await readFile(
        `/sys/devices/system/cpu/cpu${cpu}/topology/thread_siblings_list`,
        'utf8',
      ).catch(() => String(cpu));
      cores.set(cpu, siblings.trim());
    }
    return { allowed, current, coreOf: (cpu) => cores.get(cpu) ?? String(cpu) };
  } catch {
    return null;
  }
}

/**
 * Sets the CPUs of every thread of this process; threads started later inherit them. Uses
 * util-linux's `taskset` (Node has no call for it); resolves false where it is missing or fails.
 */
export function pinThisProcess(cpus: readonly number[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('taskset', ['-a', '-p', '-c', cpus.join(','), String(process.pid)], (error) =>
      resolve(error === null),
    );
  });
}
