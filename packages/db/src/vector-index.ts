/**
 * An in-memory nearest-neighbour index over one embedding model's vectors, kept beside the
 * SQLite table that stays the source of truth (decision 0108).
 *
 * Scanning 100k float vectors through SQLite reads ~150 MB of rows per query (~400 ms here);
 * scanning them as one Float32Array in JavaScript still costs ~45 ms. So each vector also keeps
 * its sign bits: a query first ranks every vector by Hamming distance over those bits (~3 ms at
 * 100k × 384), then rescores the best few hundred with the exact cosine. Binary quantisation
 * with rescoring is the standard trade for embedding search; the oversampling below keeps the
 * top results the same as an exact scan in our tests.
 */

export type IndexedNeighbour = { messageId: string; distance: number };

/** How many binary-ranked candidates are rescored exactly, per result asked for. */
const OVERSAMPLE = 20;
const MIN_CANDIDATES = 400;

function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function normalised(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let index = 0; index < vector.length; index += 1) {
    const value = vector[index] ?? 0;
    norm += value * value;
  }
  const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}

export class VectorIndex {
  readonly dims: number;
  private readonly words: number;
  private ids: string[] = [];
  private slotOf = new Map<string, number>();
  private floats: Float32Array;
  private bits: Int32Array;

  constructor(dims: number, capacity = 1024) {
    this.dims = dims;
    this.words = Math.ceil(dims / 32);
    this.floats = new Float32Array(capacity * dims);
    this.bits = new Int32Array(capacity * this.words);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds or replaces the vector of a message. */
  put(messageId: string, vector: Float32Array): void {
    if (vector.length !== this.dims) return;
    let slot = this.slotOf.get(messageId);
    if (slot === undefined) {
      slot = this.ids.length;
      this.ensureCapacity(slot + 1);
      this.ids.push(messageId);
      this.slotOf.set(messageId, slot);
    }
    const unit = normalised(vector);
    this.floats.set(unit, slot * this.dims);
    const bitsAt = slot * this.words;
    this.bits.fill(0, bitsAt, bitsAt + this.words);
    for (let index = 0; index < this.dims; index += 1) {
      if ((unit[index] ?? 0) > 0) {
        this.bits[bitsAt + (index >>> 5)] =
          (this.bits[bitsAt + (index >>> 5)] ?? 0) | (1 << (index & 31));
      }
    }
  }

  /** Removes a message's vector; the last slot moves into the hole so the arrays stay dense. */
  remove(messageId: string): void {
    const slot = this.slotOf.get(messageId);
    if (slot === undefined) return;
    const last = this.ids.length - 1;
    const lastId = this.ids[last];
    if (slot !== last && lastId !== undefined) {
      this.floats.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.bits.copyWithin(slot * this.words, last * this.words, (last + 1) * this.words);
      this.ids[slot] = lastId;
      this.slotOf.set(lastId, slot);
    }
    this.ids.pop();
    this.slotOf.delete(messageId);
  }

  /** The k nearest messages by cosine distance (0 = same direction), nearest first. */
  nearest(query: Float32Array, k: number): IndexedNeighbour[] {
    const count = this.ids.length;
    if (count === 0 || query.length !== this.dims) return [];
    const unit = normalised(query);
    return this.rescored(
      unit,
      this.binaryCandidates(unit, Math.max(k * OVERSAMPLE, MIN_CANDIDATES)),
      k,
    );
  }

  /**
   * The k nearest among the given messages only (one chat's), scored exactly: such a set is
   * small enough that the binary stage would save nothing. Ids without a vector are skipped.
   */
  nearestAmong(query: Float32Array, messageIds: Iterable<string>, k: number): IndexedNeighbour[] {
    if (query.length !== this.dims) return [];
    const slots: number[] = [];
    for (const id of messageIds) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) slots.push(slot);
    }
    return this.rescored(normalised(query), slots, k);
  }

  /** The exact cosine distance of each slot to the (unit) query, the k nearest first. */
  private rescored(unit: Float32Array, slots: number[], k: number): IndexedNeighbour[] {
    const scored = slots.map((slot) => {
      let dot = 0;
      const offset = slot * this.dims;
      for (let index = 0; index < this.dims; index += 1) {
        dot += (this.floats[offset + index] ?? 0) * (unit[index] ?? 0);
      }
      return { messageId: this.ids[slot] ?? '', distance: 1 - dot };
    });
    return scored.sort((a, b) => a.distance - b.distance).slice(0, k);
  }

  /** Slots of the `wanted` vectors whose sign bits differ least from the query's. */
  private binaryCandidates(unit: Float32Array, wanted: number): number[] {
    const count = this.ids.length;
    if (count <= wanted) return Array.from({ length: count }, (_, slot) => slot);
    const queryBits = new Int32Array(this.words);
    for (let index = 0; index < this.dims; index += 1) {
      if ((unit[index] ?? 0) > 0) {
        queryBits[index >>> 5] = (queryBits[index >>> 5] ?? 0) | (1 << (index & 31));
      }
    }
    const distances = new Uint16Array(count);
    const histogram = new Uint32Array(this.dims + 1);
    for (let slot = 0; slot < count; slot += 1) {
      let distance = 0;
      const offset = slot * this.words;
      for (let word = 0; word < this.words; word += 1) {
        distance += popcount32((this.bits[offset + word] ?? 0) ^ (queryBits[word] ?? 0));
      }
      distances[slot] = distance;
      histogram[distance] = (histogram[distance] ?? 0) + 1;
    }
    // The smallest distance at which the running count reaches `wanted`: every slot at or
    // under it is a candidate (a few more than wanted where distances tie).
    let threshold = 0;
    for (let seen = 0; threshold <= this.dims; threshold += 1) {
      seen += histogram[threshold] ?? 0;
      if (seen >= wanted) break;
    }
    const slots: number[] = [];
    for (let slot = 0; slot < count; slot += 1) {
      if ((distances[slot] ?? 0) <= threshold) slots.push(slot);
    }
    return slots;
  }

  private ensureCapacity(slots: number): void {
    const capacity = this.floats.length / this.dims;
    if (slots <= capacity) return;
    const next = Math.max(slots, capacity * 2);
    const floats = new Float32Array(next * this.dims);
    floats.set(this.floats);
    this.floats = floats;
    const bits = new Int32Array(next * this.words);
    bits.set(this.bits);
    this.bits = bits;
  }
}
