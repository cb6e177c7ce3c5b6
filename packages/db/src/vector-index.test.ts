import { describe, expect, it } from 'vitest';
import { VectorIndex } from './vector-index';

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296 - 0.5;
  };
}

function randomVector(random: () => number, dims: number): Float32Array {
  return Float32Array.from({ length: dims }, () => random());
}

function exactNearest(vectors: Map<string, Float32Array>, query: Float32Array, k: number) {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  return [...vectors]
    .map(([id, v]) => ({
      id,
      distance: 1 - v.reduce((sum, x, i) => sum + x * (query[i] ?? 0), 0) / (norm(v) * norm(query)),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k)
    .map((hit) => hit.id);
}

describe('VectorIndex', () => {
  it('finds the same nearest neighbours as an exact scan on clustered vectors', () => {
    const random = seededRandom(7);
    const dims = 64;
    const centres = Array.from({ length: 50 }, () => randomVector(random, dims));
    const vectors = new Map<string, Float32Array>();
    const index = new VectorIndex(dims, 16);
    for (let n = 0; n < 5_000; n += 1) {
      const centre = centres[n % centres.length] ?? centres[0];
      const vector = centre ? centre.map((x) => x + random() * 0.3) : randomVector(random, dims);
      vectors.set(`m${n}`, vector);
      index.put(`m${n}`, vector);
    }
    let agreeing = 0;
    for (let q = 0; q < 20; q += 1) {
      const query = (centres[q] ?? randomVector(random, dims)).map((x) => x + random() * 0.3);
      const found = index.nearest(query, 10).map((hit) => hit.messageId);
      const exact = exactNearest(vectors, query, 10);
      agreeing += found.filter((id) => exact.includes(id)).length;
      expect(found[0]).toBe(exact[0]);
    }
    expect(agreeing / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('returns exact cosine distances, nearest first', () => {
    const index = new VectorIndex(3);
    index.put('same', Float32Array.from([2, 0, 0]));
    index.put('opposite', Float32Array.from([-1, 0, 0]));
    index.put('orthogonal', Float32Array.from([0, 5, 0]));
    const hits = index.nearest(Float32Array.from([1, 0, 0]), 3);
    expect(hits.map((hit) => hit.messageId)).toEqual(['same', 'orthogonal', 'opposite']);
    expect(hits.map((hit) => Number(hit.distance.toFixed(6)))).toEqual([0, 1, 2]);
  });

  it('replaces a vector put twice and forgets a removed one, keeping the others findable', () => {
    const index = new VectorIndex(2);
    index.put('a', Float32Array.from([1, 0]));
    index.put('b', Float32Array.from([0, 1]));
    index.put('c', Float32Array.from([-1, 0]));
    index.put('a', Float32Array.from([0, -1]));
    expect(index.size).toBe(3);
    expect(index.nearest(Float32Array.from([0, -1]), 1)[0]?.messageId).toBe('a');
    index.remove('a');
    expect(index.size).toBe(2);
    expect(index.nearest(Float32Array.from([-1, 0]), 1)[0]?.messageId).toBe('c');
    expect(index.nearest(Float32Array.from([0, 1]), 5).map((hit) => hit.messageId)).toEqual([
      'b',
      'c',
    ]);
  });

  it('ranks only the given messages, exactly, skipping ids it has no vector for', () => {
    const index = new VectorIndex(2);
    index.put('near', Float32Array.from([1, 0]));
    index.put('mine', Float32Array.from([0, 1]));
    index.put('also-mine', Float32Array.from([-1, 1]));
    const hits = index.nearestAmong(Float32Array.from([1, 0]), ['also-mine', 'mine', 'ghost'], 5);
    expect(hits.map((hit) => hit.messageId)).toEqual(['mine', 'also-mine']);
    expect(hits.map((hit) => Number(hit.distance.toFixed(6)))).toEqual([1, 1.707107]);
    expect(index.nearestAmong(Float32Array.from([1, 0, 0]), ['near'], 1)).toEqual([]);
  });

  it('ignores vectors and queries of another dimension', () => {
    const index = new VectorIndex(4);
    index.put('short', Float32Array.from([1, 2]));
    expect(index.size).toBe(0);
    index.put('ok', Float32Array.from([1, 2, 3, 4]));
    expect(index.nearest(Float32Array.from([1, 2]), 1)).toEqual([]);
  });
});
