import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PREFILL_TOKENS_PER_SECOND,
  DEFAULT_STATE_READ_BYTES_PER_SECOND,
  STATE_FILE_MS,
  StateSpeedMeter,
  worthAFile,
} from './state-worth';

const MiB = 1024 * 1024;

describe('worthAFile', () => {
  const speeds = {
    prefillTokensPerSecond: 1000,
    readBytesPerSecond: 100 * MiB,
    bytesPerToken: 100 * 1024,
  };

  it('skips a prefix that evaluates faster than its file reads, and keeps a longer one', () => {
    // 1,000 tokens/s: 4 tokens take 4 ms, under the file's own 5 ms.
    expect(worthAFile({ tokens: 4, speeds })).toBe(false);
    // 100 tokens: 100 ms to evaluate, 5 ms + 10 MiB at 100 MiB/s = 105 ms to read.
    expect(worthAFile({ tokens: 100, speeds })).toBe(false);
    expect(worthAFile({ tokens: 100, speeds: { ...speeds, bytesPerToken: 50 * 1024 } })).toBe(true);
  });

  it('uses the size of a file that exists rather than the prediction', () => {
    expect(worthAFile({ tokens: 100, bytes: 1024, speeds })).toBe(true);
    expect(worthAFile({ tokens: 100, bytes: 20 * MiB, speeds })).toBe(false);
  });

  it('never keeps a state whose every token reads slower than it evaluates', () => {
    const slowDisk = { ...speeds, readBytesPerSecond: 10 * MiB };
    for (const tokens of [10, 1000, 100_000]) {
      expect(worthAFile({ tokens, speeds: slowDisk })).toBe(false);
    }
  });
});

describe('StateSpeedMeter', () => {
  it('starts from the documented defaults, so a long chat is saved before anything is measured', () => {
    const meter = new StateSpeedMeter();
    expect(meter.current()).toEqual({
      prefillTokensPerSecond: DEFAULT_PREFILL_TOKENS_PER_SECOND,
      readBytesPerSecond: DEFAULT_STATE_READ_BYTES_PER_SECOND,
      bytesPerToken: null,
    });
    expect(worthAFile({ tokens: 1000, speeds: meter.current() })).toBe(true);
    expect(worthAFile({ tokens: 1, speeds: meter.current() })).toBe(false);
  });

  it('takes the latest measurement of each speed', () => {
    const meter = new StateSpeedMeter();
    meter.notePrefill(2000, 100);
    meter.noteWrite(1000, 4 * MiB);
    meter.noteRead(4 * MiB, STATE_FILE_MS + 10);
    expect(meter.current()).toEqual({
      prefillTokensPerSecond: 20_000,
      readBytesPerSecond: 400 * MiB,
      bytesPerToken: (4 * MiB) / 1000,
    });
    // 100 tokens: 5 ms to evaluate, 5 ms + 1 ms to read 400 KiB: not worth it; 200 are.
    expect(worthAFile({ tokens: 100, speeds: meter.current() })).toBe(false);
    expect(worthAFile({ tokens: 200, speeds: meter.current() })).toBe(true);
  });

  it('ignores a prompt too short to measure, and a read faster than the file overhead', () => {
    const meter = new StateSpeedMeter();
    meter.notePrefill(3, 1);
    meter.noteRead(1024, 1);
    expect(meter.current().prefillTokensPerSecond).toBe(DEFAULT_PREFILL_TOKENS_PER_SECOND);
    expect(meter.current().readBytesPerSecond).toBe(DEFAULT_STATE_READ_BYTES_PER_SECOND);
  });

  it('holds a pinned speed whatever it measures, and measures the other', () => {
    const meter = new StateSpeedMeter({ prefillTokensPerSecond: 10_000 });
    meter.notePrefill(2000, 100);
    meter.noteRead(4 * MiB, STATE_FILE_MS + 10);
    expect(meter.current()).toMatchObject({
      prefillTokensPerSecond: 10_000,
      readBytesPerSecond: 400 * MiB,
    });
    const pinnedDisk = new StateSpeedMeter({ readBytesPerSecond: 50 * MiB });
    pinnedDisk.noteRead(4 * MiB, STATE_FILE_MS + 10);
    expect(pinnedDisk.current().readBytesPerSecond).toBe(50 * MiB);
  });
});
