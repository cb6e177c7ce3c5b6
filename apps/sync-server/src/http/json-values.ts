const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const COMMA = 0x2c;

/**
 * Counts, over a JSON text that arrives in chunks, an upper bound of the values it holds: every
 * value but the first of a container follows a comma, and every container opens with `{` or `[`,
 * so the count of those three outside strings, plus one, bounds them. It cannot be talked down
 * (escapes, whitespace or odd key spellings change nothing outside strings), and it costs one
 * pass whose string contents are skipped with `indexOf`.
 */
export function createJsonValueCounter() {
  let inString = false;
  let escaped = false;
  let count = 1;
  return {
    /** Adds a chunk; returns the bound so far. */
    add(chunk: Uint8Array): number {
      let i = 0;
      while (i < chunk.length) {
        if (inString) {
          if (escaped) {
            escaped = false;
            i++;
            continue;
          }
          const quote = chunk.indexOf(QUOTE, i);
          const backslash = chunk.indexOf(BACKSLASH, i);
          const next =
            quote === -1 ? backslash : backslash === -1 ? quote : Math.min(quote, backslash);
          if (next === -1) return count;
          if (chunk[next] === BACKSLASH) escaped = true;
          else inString = false;
          i = next + 1;
          continue;
        }
        const byte = chunk[i];
        if (byte === QUOTE) inString = true;
        else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY || byte === COMMA) count++;
        i++;
      }
      return count;
    },
  };
}
