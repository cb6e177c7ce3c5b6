import { describe, expect, it } from 'vitest';
import { TransferRate } from './transfer-rate';

describe('TransferRate', () => {
  it('is zero until two samples span some time', () => {
    const rate = new TransferRate(5000);
    expect(rate.bytesPerSecond()).toBe(0);
    rate.record(1000, 500);
    expect(rate.bytesPerSecond()).toBe(0);
  });

  it('follows the recent speed, not the average since the start', () => {
    const rate = new TransferRate(2000);
    // 1 MB/s for ten seconds, then 100 kB/s for ten seconds.
    let bytes = 0;
    for (let t = 0; t <= 10_000; t += 500) {
      rate.record(t, bytes);
      bytes += 500_000;
    }
    expect(rate.bytesPerSecond()).toBeCloseTo(1_000_000, -3);
    for (let t = 10_500; t <= 20_000; t += 500) {
      bytes += 50_000;
      rate.record(t, bytes);
    }
    expect(rate.bytesPerSecond()).toBeCloseTo(100_000, -3);
  });
});
