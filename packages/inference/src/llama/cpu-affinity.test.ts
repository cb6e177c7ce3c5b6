import { describe, expect, it } from 'vitest';
import { chooseModelCpus, parseCpuList } from './cpu-affinity';

/** Eight CPUs on four cores, numbered as Linux does on most x86 machines: 0 and 4 share one. */
const hyperthreaded = {
  allowed: [0, 1, 2, 3, 4, 5, 6, 7],
  coreOf: (cpu: number) => String(cpu % 4),
};

describe('chooseModelCpus', () => {
  it('pins one thread to the CPU it runs on, so two model processes spread', () => {
    const layout = { allowed: [0, 1], current: 1, coreOf: String };
    expect(chooseModelCpus(1, layout)).toEqual([1]);
    expect(chooseModelCpus(1, { ...layout, current: 0 })).toEqual([0]);
  });

  it('leaves placement to the OS when the model needs every CPU there is', () => {
    expect(chooseModelCpus(2, { allowed: [0, 1], current: 0, coreOf: String })).toBeNull();
    expect(chooseModelCpus(1, { allowed: [3], current: 3, coreOf: String })).toBeNull();
  });

  it('puts each thread on its own physical core, wrapping from the current CPU', () => {
    expect(chooseModelCpus(3, { ...hyperthreaded, current: 6 })).toEqual([0, 6, 7]);
    expect(chooseModelCpus(4, { ...hyperthreaded, current: 0 })).toEqual([0, 1, 2, 3]);
  });

  it('does not pin more threads than there are physical cores', () => {
    expect(chooseModelCpus(5, { ...hyperthreaded, current: 0 })).toBeNull();
  });

  it('starts at the first allowed CPU when the current one is not allowed', () => {
    expect(chooseModelCpus(1, { allowed: [2, 3, 5], current: 0, coreOf: String })).toEqual([2]);
  });
});

describe('parseCpuList', () => {
  it('reads ranges and single CPUs as the kernel writes them', () => {
    expect(parseCpuList('0-3,6,8-9\n')).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(parseCpuList('5')).toEqual([5]);
  });

  it('refuses what is not a CPU list', () => {
    expect(() => parseCpuList('a-b')).toThrow('not a CPU list');
  });
});
