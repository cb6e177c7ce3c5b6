import { describe, expect, it } from 'vitest';
import { createJsonValueCounter } from './json-values';

const count = (...chunks: string[]) => {
  const counter = createJsonValueCounter();
  let last = 0;
  for (const chunk of chunks) last = counter.add(Buffer.from(chunk));
  return last;
};

describe('the JSON value bound', () => {
  it('counts four values per change of a push, and two around them', () => {
    const change = '{"id":"a","deviceId":"b","ciphertext":"AA"}';
    expect(count(`{"changes":[${change}]}`)).toBe(6);
    expect(count(`{ "changes" : [ ${Array(3).fill(change).join(' , ')} ] }`)).toBe(14);
  });

  it('ignores braces, brackets, commas and escaped quotes inside strings', () => {
    expect(count('{"a":"{[,\\"{,]}\\\\"}')).toBe(2);
    expect(count('["\\u0022,", ","]')).toBe(3);
  });

  it('is the same wherever the chunks are cut, an escape included', () => {
    const text = '{"k\\"ey":["x\\\\",{"y":[1,2,"\\",,,"]}],"z":3}';
    const whole = count(text);
    for (let at = 0; at <= text.length; at++) {
      expect(count(text.slice(0, at), text.slice(at)), `cut at ${at}`).toBe(whole);
    }
  });

  it('counts every value, however its keys are spelled', () => {
    // A key spelled with escapes is still followed by its value, and that value is counted.
    expect(count('[1,2,3,4]')).toBe(5);
    expect(count('{"\\u0063hanges":[{},{},{}]}')).toBe(8);
  });
});
