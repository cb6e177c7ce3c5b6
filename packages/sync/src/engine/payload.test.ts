import { formatHlc } from '@codeface/db';
import { describe, expect, it } from 'vitest';
import { generateDataKey, sealChange, utf8ToBytes } from '../crypto';
import { base64UrlToBytes, bytesToBase64Url } from '../crypto/encoding';
import type { StoredChange } from '../protocol/schemas';
import { PAYLOAD_VERSION, openIncoming, sealOutgoing } from './payload';
import type { OutgoingChange } from './scope';

const dataKey = generateDataKey();
const now = Date.UTC(2026, 0, 1);
const options = { dataKey, now: () => now, maxDriftMs: 60_000 };

function rename(id: string, title = 'Linked lists'): OutgoingChange {
  return {
    id,
    entity: 'chat',
    entityId: 'chat-1',
    op: 'put',
    hlc: formatHlc({ millis: now, counter: 0, node: 'device-a' }),
    deviceId: 'device-a',
    fields: { title },
  };
}

function stored(change: OutgoingChange, seq = 1): StoredChange {
  return { ...sealOutgoing(change, { dataKey }), seq };
}

/** Seals any plaintext under the change id, as a buggy or newer device might. */
function sealedText(id: string, text: string, seq = 1): StoredChange {
  return {
    id,
    deviceId: 'device-a',
    seq,
    ciphertext: sealChange({ dataKey, changeId: id, plaintext: utf8ToBytes(text) }),
  };
}

function editBytes(ciphertext: string, edit: (bytes: Uint8Array) => Uint8Array): string {
  return bytesToBase64Url(edit(base64UrlToBytes(ciphertext)));
}

describe('openIncoming', () => {
  it('opens what sealOutgoing sealed, and the server sees none of it', () => {
    const change = stored(rename('c1'));
    expect(change.ciphertext).not.toContain('Linked');
    expect(openIncoming(change, options)).toEqual({ kind: 'change', change: rename('c1') });
  });

  describe('tampering: a clear reason, the ciphertext kept, nothing applied', () => {
    const original = stored(rename('c1'));
    const cases: [string, StoredChange, string][] = [
      [
        'a flipped bit',
        {
          ...original,
          ciphertext: editBytes(original.ciphertext, (bytes) => {
            bytes[30] = (bytes[30] ?? 0) ^ 0x01;
            return bytes;
          }),
        },
        'decrypt-failure',
      ],
      [
        'a swapped nonce',
        {
          ...original,
          ciphertext: editBytes(original.ciphertext, (bytes) => {
            const other = base64UrlToBytes(stored(rename('c1')).ciphertext);
            bytes.set(other.subarray(1, 25), 1);
            return bytes;
          }),
        },
        'decrypt-failure',
      ],
      ['wrong associated data (moved to another id)', { ...original, id: 'c2' }, 'decrypt-failure'],
      [
        'a truncated body',
        { ...original, ciphertext: editBytes(original.ciphertext, (bytes) => bytes.slice(0, -5)) },
        'decrypt-failure',
      ],
      [
        'a body shorter than a nonce',
        { ...original, ciphertext: editBytes(original.ciphertext, (bytes) => bytes.slice(0, 10)) },
        'malformed',
      ],
      [
        'an unknown sealing format',
        {
          ...original,
          ciphertext: editBytes(original.ciphertext, (bytes) => {
            bytes[0] = 7;
            return bytes;
          }),
        },
        'unsupported-version',
      ],
    ];
    it.each(cases)('%s', (_name, change, reason) => {
      const opened = openIncoming(change, options);
      expect(opened).toMatchObject({
        kind: 'quarantine',
        entry: { changeId: change.id, seq: 1, reason, ciphertext: change.ciphertext },
      });
      expect(JSON.stringify(opened)).not.toContain('Linked');
    });
  });

  it('sets aside a change from a newer app, saying to update', () => {
    const opened = openIncoming(
      sealedText('c1', JSON.stringify({ v: PAYLOAD_VERSION + 1 })),
      options,
    );
    expect(opened).toMatchObject({ kind: 'quarantine', entry: { reason: 'unsupported-version' } });
    expect(opened.kind === 'quarantine' && opened.entry.detail).toMatch(/update CodeFace/);
  });

  it('sets aside what opens but is not a valid change, naming the problem without the value', () => {
    const base = { v: PAYLOAD_VERSION, ...rename('c1') };
    const cases = [
      'not json',
      JSON.stringify({ ...base, op: 'upsert' }),
      JSON.stringify({ ...base, fields: { title: 42 } }),
      JSON.stringify({ ...base, id: 'another' }),
      JSON.stringify({ ...base, deviceId: 'device-b' }),
      JSON.stringify({ ...base, hlc: 'secret-hlc' }),
    ];
    for (const text of cases) {
      const opened = openIncoming(sealedText('c1', text), options);
      expect(opened, text).toMatchObject({
        kind: 'quarantine',
        entry: { reason: 'invalid-change' },
      });
      expect(JSON.stringify(opened)).not.toContain('secret-hlc');
    }
  });

  it('names the whole change as the problem when it is not an object at all', () => {
    const opened = openIncoming(sealedText('c1', JSON.stringify(['not', 'a', 'change'])), options);
    expect(opened).toMatchObject({
      kind: 'quarantine',
      entry: {
        reason: 'invalid-change',
        detail: expect.stringMatching(/^The change does not fit \(change: /),
      },
    });
  });

  it('skips what this version does not sync: another entity, a device setting, a chat model', () => {
    const skipped: OutgoingChange[] = [
      { ...rename('c1'), entity: 'model', fields: { name: 'x' } },
      { ...rename('c2'), entity: 'setting', entityId: 'gpuLayers', fields: { value: 9 } },
      { ...rename('c3'), fields: { model: 'qwen' } },
    ];
    for (const change of skipped) {
      expect(openIncoming(stored(change), options)).toEqual({ kind: 'skip' });
    }
  });

  it('holds a change stamped too far ahead of this clock until it is due', () => {
    const ahead = {
      ...rename('c1'),
      hlc: formatHlc({ millis: now + 120_000, counter: 0, node: 'device-a' }),
    };
    expect(openIncoming(stored(ahead), options)).toMatchObject({
      kind: 'quarantine',
      entry: { reason: 'clock-ahead' },
    });
    expect(openIncoming(stored(ahead), { ...options, now: () => now + 90_000 })).toMatchObject({
      kind: 'change',
    });
  });
});
