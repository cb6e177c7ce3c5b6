import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A client's request id is kept only when short and plain: it goes into log lines and headers. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id: the client's `x-request-id` when it is short and safe, else a new UUID. */
export function requestIdOf(req: { headers: FastifyRequest['headers'] }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Headers on every answer:
 * - `x-request-id`, so that a user's report can be matched to log lines;
 * - `Vary: Origin`: whether and how an answer may be read depends on the `Origin` it was sent
 *   with (refused, allowed with CORS headers, or a client that is not a browser), so a cache
 *   must not hand one origin's answer to another;
 * - `Cache-Control: no-store`: answers carry tokens, ciphertext and account data, none of it for
 *   a cache to keep;
 * - `Connection: close` once the server is shutting down, so keep-alive sockets do not hold it
 *   open.
 */
export function registerResponseHeaders(
  app: FastifyInstance,
  options: { shuttingDown: () => boolean },
): void {
  app.addHook('onSend', async (req, reply, payload) => {
    // tRPC answers with a web Response, whose headers Fastify copies over the reply's after
    // this hook; its own `vary` would replace ours, so such headers are set on it.
    const headers = payload instanceof Response ? payload.headers : undefined;
    const set = (name: string, value: string) =>
      headers ? headers.set(name, value) : reply.header(name, value);
    const vary = headers ? headers.get('vary') : reply.getHeader('vary');
    set('vary', withOrigin(typeof vary === 'string' ? vary : undefined));
    set('cache-control', 'no-store');
    reply.header('x-request-id', req.id);
    if (options.shuttingDown()) reply.header('connection', 'close');
    return payload;
  });
}

function withOrigin(vary: string | undefined): string {
  if (!vary) return 'Origin';
  const names = vary.split(',').map((name) => name.trim().toLowerCase());
  return names.includes('origin') || names.includes('*') ? vary : `${vary}, Origin`;
}
