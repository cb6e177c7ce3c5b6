/**
 * Text as the store keeps it: each string with its unpaired surrogates replaced by U+FFFD
 * (`toWellFormed`), inside arrays and plain objects too; other values (numbers, buffers, typed
 * arrays, class instances) pass as they are. SQLite keeps text as UTF-8, which cannot hold an
 * unpaired surrogate (the row would get U+FFFD), while the change log keeps JSON, which can (the
 * change would keep the original): converting before anything is written keeps the row, its
 * change and what a call returns equal (decision 0407). The app API's edge reads its input
 * through it too, so a person's text is the same wherever it goes.
 */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed() as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (typeof value === 'object' && value !== null) {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return value;
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value))
      result[key.toWellFormed()] = wellFormed(entry);
    return result as T;
  }
  return value;
}
