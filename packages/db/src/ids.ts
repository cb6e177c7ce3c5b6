import { randomBytes } from 'node:crypto';

/** The 12-bit counter that orders ids made in the same millisecond (RFC 9562, method 1). */
const COUNTER_MAX = 0xfff;

/**
 * Makes time-ordered ids (UUIDv7, RFC 9562): the first 48 bits are the milliseconds, then a
 * counter, then 62 random bits. Rows keyed by them go to the end of their indexes instead of
 * to a random page of each: with random ids, an initial sync of 100,000 messages rewrote most
 * leaves of the message and sync-state indexes on every page it merged (decision 0504). Ids
 * made by one generator only ever grow, even when the clock steps back.
 */
export function timeOrderedIds(now: () => number = Date.now): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(Math.trunc(now()), 0);
    if (ms > lastMs) {
      // A random start within the lower half leaves room to count within the millisecond.
      counter = randomBytes(2).readUInt16BE(0) & 0x7ff;
    } else {
      ms = lastMs;
      counter += 1;
      if (counter > COUNTER_MAX) {
        ms += 1;
        counter = 0;
      }
    }
    lastMs = ms;
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
