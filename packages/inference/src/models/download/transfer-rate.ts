/**
 * Bytes per second over a sliding window, so the ETA follows the connection as it is now
 * rather than the average since the start (which a resume or a stall would distort).
 */
export class TransferRate {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs: number) {}

  record(at: number, totalBytes: number): void {
    this.samples.push({ at, bytes: totalBytes });
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) >= this.windowMs) {
      this.samples.shift();
    }
  }

  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}
