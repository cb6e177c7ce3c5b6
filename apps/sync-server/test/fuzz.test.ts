import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncServer } from '../src/server';
import { appRouter } from '../src/trpc/app-router';
import { openTestBackend, type TestBackend } from './support/backend';
import { signUp, startServer } from './support/harness';

type ProcedureDef = {
  type: string;
  inputs: Array<{ safeParse?: (v: unknown) => { success: boolean } }>;
};

let backend: TestBackend;
let server: SyncServer;

const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>,
).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  input: procedure._def.inputs[0],
}));

beforeAll(async () => {
  backend = await openTestBackend();
  server = await startServer(backend);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

/** A secret as a device derives it: 43 characters of base64url. */
const derived = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);

/** Inputs near the real shapes (so validation is reached deeply) and anything JSON at all. */
const inputArbitrary = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      email: fc.oneof(fc.emailAddress(), fc.string()),
      password: fc.oneof(fc.string({ maxLength: 40 }), derived),
      deviceName: fc.string({ maxLength: 120 }),
      wrappedDataKey: fc.string({ maxLength: 50 }),
      refreshToken: fc.oneof(
        fc.string(),
        fc.constant('cfr1.00000000-0000-4000-8000-000000000000.AA'),
      ),
      currentPassword: fc.oneof(fc.string(), derived),
      newPassword: fc.oneof(fc.string(), derived),
      recoverySecret: fc.oneof(fc.string(), derived),
      kdf: fc.record(
        {
          alg: fc.constantFrom('argon2id', 'scrypt'),
          t: fc.oneof(fc.integer(), fc.constant(3)),
          m: fc.oneof(fc.integer(), fc.constant(65_536)),
          p: fc.oneof(fc.integer(), fc.constant(1)),
          salt: fc.oneof(fc.string(), derived),
        },
        { requiredKeys: [] },
      ),
      recovery: fc.record(
        { secret: fc.oneof(fc.string(), derived), wrappedDataKey: fc.string({ maxLength: 50 }) },
        { requiredKeys: [] },
      ),
      deviceId: fc.oneof(fc.uuid(), fc.string()),
      cursor: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(-1)),
      limit: fc.oneof(fc.integer(), fc.constant(0), fc.constant(100_000)),
      changes: fc.array(
        fc.record(
          {
            id: fc.oneof(fc.uuid(), fc.string({ maxLength: 80 })),
            deviceId: fc.string({ maxLength: 80 }),
            ciphertext: fc.oneof(fc.base64String(), fc.string(), fc.integer()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 5 },
      ),
    },
    { requiredKeys: [] },
  ),
);

async function call(options: { path: string; type: string; input: unknown; token?: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const encoded = options.input === undefined ? '' : JSON.stringify(options.input);
  if (options.type === 'mutation') {
    return fetch(`${server.url}/trpc/${options.path}`, { method: 'POST', headers, body: encoded });
  }
  const query = encoded ? `?input=${encodeURIComponent(encoded)}` : '';
  return fetch(`${server.url}/trpc/${options.path}${query}`, { headers });
}

describe('fuzzing every procedure', () => {
  it.each(procedures)(
    '$path answers invalid input with 4xx and never 5xx',
    async ({ path, type, input: schema }) => {
      const { session } = await signUp(server);
      await fc.assert(
        fc.asyncProperty(inputArbitrary, fc.boolean(), async (input, authed) => {
          const response = await call({
            path,
            type,
            input,
            token: authed ? session.accessToken : undefined,
          });
          const body = await response.text();
          expect(response.status, body).toBeLessThan(500);
          const valid = schema?.safeParse ? schema.safeParse(input).success : input === undefined;
          if (!valid || type === 'subscription')
            expect(response.status, body).toBeGreaterThanOrEqual(400);
          expect(body).not.toMatch(/"stack"|node_modules/);
        }),
        { numRuns: 40 },
      );
    },
    60_000,
  );

  it('answers raw garbage bodies and methods with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ...procedures.map((p) => p.path),
          'x',
          '',
          'sync.push,sync.pull',
          '%E0%A4%A',
        ),
        fc.string({ maxLength: 200 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        async (path, body, method) => {
          const response = await fetch(
            `${server.url}/trpc/${path.includes('%') ? path : encodeURI(path)}?batch=${body.length % 2}`,
            {
              method,
              headers: { 'content-type': 'application/json' },
              body: method === 'GET' ? undefined : body,
            },
          );
          expect(response.status).toBeLessThan(500);
          const isQuery = procedures.some((p) => p.path === path && p.type === 'query');
          if (!(method === 'GET' && isQuery)) expect(response.status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it('survives garbage WebSocket messages', async () => {
    const messages = fc.sample(
      fc.oneof(
        fc.string(),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc
          .record({
            id: fc.integer(),
            method: fc.constantFrom('subscription', 'query', 'mutation', 'connectionParams'),
            params: fc.jsonValue(),
          })
          .map((v) => JSON.stringify(v)),
      ),
      200,
    );
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    for (const message of messages) if (socket.readyState === WebSocket.OPEN) socket.send(message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.terminate();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/trpc/meta.info`)).status).toBe(200);
  });
});
