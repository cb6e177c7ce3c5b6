import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { signUp } from '@codeface/sync/engine';
import { SYNC_PROTOCOL_VERSION } from '@codeface/sync/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSyncServer } from './support/sync-server';
import type { TestClient } from './support/test-host';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

/** What the app API refused with: the sentence a person reads. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected the call to be refused');
  return error.message;
}

/**
 * Settings → Sync's sign-in, refused for each reason a server or the way to it has: each is a
 * sentence that says what to do. A real sync server process where one can refuse; otherwise
 * (no server, a certificate, another kind of server) a real socket that fails that way.
 */
describe('sync sign-in errors at the app API', () => {
  const sync = useSyncServer();
  const others: Server[] = [];
  const email = `person-${randomUUID()}@example.test`;
  const password = 'correct horse battery';
  let recoveryKey = '';
  let client: TestClient;

  beforeAll(async () => {
    recoveryKey = (await signUp({ url: sync.url, email, password, deviceName: 'First' }))
      .recoveryKey;
    ({ client } = await sync.device());
  }, 120_000);

  afterAll(() => {
    for (const other of others) other.close();
  });

  const signIn = (input: { email: string; password: string }, url = sync.url) =>
    refusal(client.api.sync.signIn.mutate({ url, ...input }));

  it('says a wrong password and an unknown email alike, never whether the account exists', async () => {
    const wrong = await signIn({ email, password: 'not the password' });
    expect(wrong).toBe('That email and password do not match. Check them and try again.');
    expect(await signIn({ email: `nobody-${randomUUID()}@example.test`, password })).toBe(wrong);
  }, 120_000);

  it('names the recovery key when that is what does not match, or is not whole', async () => {
    const otherKey = recoveryKey.replace(/^./, (first) => (first === 'A' ? 'B' : 'A'));
    const recover = (key: string) =>
      refusal(
        client.api.sync.signIn.mutate({
          url: sync.url,
          email,
          recoveryKey: key,
          newPassword: 'a brand new passphrase',
        }),
      );
    expect(await recover(otherKey)).toBe(
      'That email and recovery key do not match. Check both; the key is the 13 groups of 4 shown when the account was made.',
    );
    expect(await recover('ABCD-EFGH')).toMatch(/^That is not a whole recovery key/);
  }, 120_000);

  it('says how long to wait after too many password attempts', async () => {
    // The server allows 5 attempts per email and address in 15 minutes (decision 0306).
    const guessed = `guessed-${randomUUID()}@example.test`;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await signIn({ email: guessed, password: `guess number ${attempt}` });
    }
    expect(await signIn({ email: guessed, password: 'one guess too many' })).toMatch(
      /^Too many password attempts for this email\. Wait and try again in 1[45] minutes\.$/,
    );
  }, 120_000);

  it('says when nothing answers at the address, or no server has that name', async () => {
    const closed = createHttpServer();
    const port = await listening(closed);
    closed.close();
    expect(await signIn({ email, password }, `http://127.0.0.1:${port}`)).toBe(
      'Nothing answers at that address and port. Check the address of your sync server and that it is running.',
    );
    expect(
      await refusal(client.api.sync.testConnection.mutate({ url: 'http://sync.invalid' })),
    ).toBe(
      'No server answers to that name. Check the address of your sync server for typing mistakes.',
    );
  }, 60_000);

  it('says when the server’s certificate is not trusted', async () => {
    const tls = createHttpsServer(
      { key: fixture('self-signed-test.key'), cert: fixture('self-signed-test.crt') },
      (_request, response) => response.end('{}'),
    );
    others.push(tls);
    const port = await listening(tls);
    expect(await signIn({ email, password }, `https://localhost:${port}`)).toMatch(
      /^The sync server's certificate is not trusted/,
    );
  }, 60_000);

  it('says when the address answers but is no CodeFace sync server', async () => {
    const web = createHttpServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end('<!doctype html><title>A blog</title>');
    });
    others.push(web);
    const url = `http://127.0.0.1:${await listening(web)}`;
    const notOurs =
      'That address answers, but not as a CodeFace sync server. Check the server URL: it is the address the server’s operator gave, without /trpc.';
    expect(await refusal(client.api.sync.testConnection.mutate({ url }))).toBe(notOurs);
    expect(await signIn({ email, password }, url)).toBe(notOurs);
  }, 60_000);

  it('tells a newer server from an older one when the protocols differ', async () => {
    // A real server only speaks this app's version; one of another answers as the SPEC says.
    let supported = SYNC_PROTOCOL_VERSION + 1;
    const other = createHttpServer((_request, response) => {
      response.statusCode = 400;
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          error: {
            message: `This server speaks sync protocol ${supported}.`,
            code: -32600,
            data: { code: 'BAD_REQUEST', httpStatus: 400, reason: 'protocol-version', supported },
          },
        }),
      );
    });
    others.push(other);
    const url = `http://127.0.0.1:${await listening(other)}`;
    expect(await signIn({ email, password }, url)).toBe(
      'The sync server speaks a newer protocol. Update CodeFace to keep syncing; your chats are safe here meanwhile.',
    );
    supported = SYNC_PROTOCOL_VERSION - 1;
    expect(await signIn({ email, password }, url)).toBe(
      `The sync server is older than this CodeFace (protocol ${supported}, this app speaks ${SYNC_PROTOCOL_VERSION}). Ask its operator to update it; your chats are safe here meanwhile.`,
    );
  }, 60_000);
});
