import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatEta } from './format';

describe('formatBytes', () => {
  it('picks a readable unit', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(4.2 * 1024 ** 3)).toBe('4.2 GB');
  });
});

describe('formatEta', () => {
  it('estimates from the current rate', () => {
    expect(formatEta(100, 10)).toBe('10 s');
    expect(formatEta(10 * 125, 10)).toBe('2 min 5 s');
    expect(formatEta(7200 * 10 + 60 * 10, 10)).toBe('2 h 1 min');
  });

  it('has no estimate without a rate', () => {
    expect(formatEta(100, 0)).toBeNull();
  });
});

describe('formatCount', () => {
  it('groups thousands the same way in every locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
