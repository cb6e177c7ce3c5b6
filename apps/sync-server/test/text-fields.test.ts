import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { appRouter } from '../src/trpc/app-router';
import { openTestBackend, type TestBackend } from './support/backend';
import { signUp, startServer } from './support/harness';

/** The parts of a zod schema's definition this walk reads. */
type SchemaDef = {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
};
type ProcedureDef = { type: string; inputs: Array<{ _zod: { def: SchemaDef } }> };

/** Every string field of an input schema, as a path: `['changes', 0, 'id']`. */
function stringFields(
  def: SchemaDef,
  path: Array<string | number> = [],
): Array<Array<string | number>> {
  switch (def.type) {
    case 'string':
      return [path];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) =>
        stringFields(field._zod.def, [...path, key]),
      );
    case 'optional':
    case 'nullable':
    case 'default':
      return def.innerType ? stringFields(def.innerType._zod.def, path) : [];
    case 'array':
      return def.element ? stringFields(def.element._zod.def, [...path, 0]) : [];
    default:
      return [];
  }
}

/**
 * A valid input of each procedure that takes text. A procedure added with a string field and no
 * sample here fails the test below, so every new field is checked too.
 */
const SECRET = 'A'.repeat(43);
const KDF = { alg: 'argon2id', t: 3, m: 65_536, p: 1, salt: 'A'.repeat(22) };

const VALID_INPUTS: Record<string, Record<string, unknown>> = {
  'account.params': { email: 'someone@example.test' },
  'account.signUp': {
    email: 'someone@example.test',
    password: SECRET,
    deviceName: 'laptop',
    kdf: KDF,
    wrappedDataKey: 'wrapped-key',
    recovery: { secret: SECRET, wrappedDataKey: 'wrapped-recovery-key' },
  },
  'account.signIn': { email: 'someone@example.test', password: SECRET, deviceName: 'pc' },
  'account.signInWithRecoveryKey': {
    email: 'someone@example.test',
    recoverySecret: SECRET,
    deviceName: 'pc',
  },
  'account.refresh': { refreshToken: 'cfr1.00000000-0000-4000-8000-000000000000.AAAA' },
  // Both proofs, so that each has text to spoil; the one-proof rule only runs once fields parse.
  'account.changePassword': {
    currentPassword: SECRET,
    recoverySecret: SECRET,
    newPassword: SECRET,
    kdf: KDF,
    wrappedDataKey: 'wrapped-key',
    recovery: { secret: SECRET, wrappedDataKey: 'wrapped-recovery-key' },
  },
  'account.deleteAccount': { password: SECRET },
  'devices.revoke': { deviceId: randomUUID() },
  'sync.push': { changes: [{ id: 'change-1', deviceId: 'device-1', ciphertext: 'AQID' }] },
};

const BAD_TEXT = {
  NUL: '\u0000',
  'an unpaired high surrogate': '\uD800',
  'an unpaired low surrogate': '\uDC00',
};

const cases = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>,
).flatMap(([path, procedure]) => {
  const input = procedure._def.inputs[0];
  const fields = input ? stringFields(input._zod.def) : [];
  return fields.map((field) => ({ path, type: procedure._def.type, field, name: field.join('.') }));
});

let backend: TestBackend;
let server: SyncServer;
let accessToken: string;

beforeAll(async () => {
  backend = await openTestBackend();
  server = await startServer(backend);
  accessToken = (await signUp(server)).session.accessToken;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

function withValue(input: unknown, field: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let target = copy;
  for (const key of field.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[field[field.length - 1] ?? ''] = value;
  return copy;
}

function valueAt(input: unknown, field: Array<string | number>): unknown {
  return field.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], input);
}

async function call(options: { path: string; type: string; input: unknown }) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  const body = JSON.stringify(options.input);
  if (options.type === 'mutation') {
    return fetch(`${server.url}/trpc/${options.path}`, { method: 'POST', headers, body });
  }
  return fetch(`${server.url}/trpc/${options.path}?input=${encodeURIComponent(body)}`, {
    headers,
  });
}

describe('free text in the protocol', () => {
  it('finds the text fields of the protocol in the router', () => {
    const names = cases.map((c) => `${c.path}:${c.field.join('.')}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'account.signUp:deviceName',
        'account.signUp:wrappedDataKey',
        'account.signUp:recovery.wrappedDataKey',
        'account.signIn:password',
        'account.signInWithRecoveryKey:recoverySecret',
        'account.changePassword:newPassword',
      ]),
    );
  });

  it.each(cases)(
    '$path refuses NUL and unpaired surrogates in $name with 400 naming the field',
    async ({ path, type, field }) => {
      const valid = VALID_INPUTS[path];
      if (!valid) throw new Error(`add a valid input of ${path} to VALID_INPUTS`);
      const sample = valueAt(valid, field);
      expect(typeof sample, `VALID_INPUTS['${path}'] has no text at ${field.join('.')}`).toBe(
        'string',
      );
      for (const [name, bad] of Object.entries(BAD_TEXT)) {
        const text = String(sample);
        const input = withValue(valid, field, `${text.slice(0, 1)}${bad}${text.slice(1)}`);
        const response = await call({ path, type, input });
        const body = (await response.json()) as {
          error?: { message: string; data: { reason?: string; fields?: string[] } };
        };
        expect(response.status, `${name} in ${field.join('.')}: ${JSON.stringify(body)}`).toBe(400);
        expect(body.error?.data).toMatchObject({ reason: 'invalid-input' });
        expect(body.error?.data.fields).toContain(field.join('.'));
        expect(body.error?.message).toContain(field.join('.'));
      }
    },
  );
});
